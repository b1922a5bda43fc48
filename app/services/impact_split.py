"""A year of a city's applications measured on every core: the impact job split by case id.

One process reads and decides some 50,000 stored applications a second; a million take longer than the
issue's ten seconds on one core of a two-core machine. The job therefore splits the applications into as many
ranges of case ids as it has processes (:func:`id_ranges`), forks one process per range — each reads
its own range on a connection of its own and computes its own :class:`~app.rules.impact.Impact` — and
adds the parts up (:func:`~app.rules.impact.merged`): the same figures as one process gives, whatever
the split, examples included (those of the lowest case numbers, whatever order the rows are read in: no
``ORDER BY``, which would make PostgreSQL sort each part's rows).
Progress is the sum of the parts' counts, told as the parts go.

The parts are forked by billiard (Celery's own fork of :mod:`multiprocessing`): the job runs in a pool
process of the worker, which :mod:`multiprocessing` refuses to let have children of its own (a daemonic
process) and billiard does not. Where a fork cannot help or cannot be made — fewer than
:data:`SPLIT_FROM` applications, one process asked for, a platform that does not fork, an in-memory
SQLite database the children could not see, a thread other than the main one — the impact runs in the
calling process, as before. The children see what is committed (the impact reads stored cases, never
the job's own writes).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import threading

import billiard
from sqlalchemy.orm import Session

from app.rules.impact import Impact, impact, merged
from app.services.rule_edits import Applications

SPLIT_FROM = 100_000  # applications: below this a fork costs more than it saves (one process: ~2 s)
POLL_SECONDS = 0.5


def id_ranges(first: int, last: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` inclusive, adjoining ranges covering ``first``..``last`` (fewer when there are fewer ids).

    >>> id_ranges(1, 10, 3)
    [(1, 4), (5, 7), (8, 10)]
    """
    count = last - first + 1
    parts = max(1, min(parts, count))
    size, extra = divmod(count, parts)
    ranges, start = [], first
    for index in range(parts):
        end = start + size + (index < extra) - 1
        ranges.append((start, end))
        start = end + 1
    return ranges


def _can_fork(session: Session) -> bool:
    """Whether the parts may be forked: a platform that forks, a database the children can open, and the
    process's main thread (a fork from another thread — a job run in a thread of the demo's web server —
    would copy locks other threads hold)."""
    url = session.get_bind().url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    return ("fork" in multiprocessing.get_all_start_methods() and not in_memory
            and threading.current_thread() is threading.main_thread())


def _cores() -> int:
    """The cores this process may run on (its affinity, as a container or ``taskset`` sets it)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # a platform without affinity
        return os.cpu_count() or 1


def impact_of(session: Session, current, proposed, counties: list[str], since: dt.date, as_of: dt.date,
              progress=None, jobs: int | None = None, split_from: int = SPLIT_FROM) -> Impact:
    """The impact of ``proposed`` against ``current`` over the applications of ``counties`` since ``since``,
    on ``jobs`` processes (default: one per core) when there are at least ``split_from`` of them."""
    applications = Applications(session, counties, since)
    jobs = jobs or _cores()
    if jobs < 2 or not _can_fork(session):
        return impact(current, proposed, applications, as_of, progress=progress)
    total, first, last = applications.extent()
    if total < max(split_from, 1):
        return impact(current, proposed, _Counted(applications, total), as_of, progress=progress)
    ranges = id_ranges(first, last, jobs)
    return _split(session.get_bind(), (current, proposed, counties, since, as_of, ranges), total, progress)


class _Uncounted:
    """Applications without ``len()``: a part's impact counts nothing before it reads."""

    def __init__(self, applications):
        self.applications = applications

    def __iter__(self):
        return iter(self.applications)

    def inputs_of(self, keys: list) -> dict:
        return self.applications.inputs_of(keys)

    def row_blocks(self, size: int):
        return self.applications.row_blocks(size)

    def unrowed(self):
        return self.applications.unrowed()


class _Counted(_Uncounted):
    """Applications whose number is already known (the impact asks ``len()`` for its progress)."""

    def __init__(self, applications, count: int):
        super().__init__(applications)
        self.count = count

    def __len__(self) -> int:
        return self.count


def _split(engine, work: tuple, total: int, progress) -> Impact:
    """The parts' impacts added up; ``progress`` told the sum of the parts' counts every half second."""
    parts = len(work[-1])
    context = billiard.get_context("fork")  # billiard, Celery's own: a worker's pool process may fork it too
    counts = context.Array("l", parts, lock=False)
    if progress is not None:
        progress(0, total)
    # the work goes to the children as they are forked (initargs), never through a global of this process
    with context.Pool(parts, initializer=_start_part, initargs=(engine, work, counts)) as pool:
        pending = pool.map_async(_part, range(parts))
        while not pending.ready():
            pending.wait(POLL_SECONDS)
            if progress is not None:
                progress(sum(counts), total)
        result = merged(pending.get())
    if progress is not None:
        progress(sum(counts), total)  # the parts' own last counts: each part's every application
    return result


_PART = None  # in a forked child: (engine, work, counts), set once by _start_part


def _start_part(engine, work: tuple, counts) -> None:
    """A child's start: the parent's pooled connections left to the parent (as SQLAlchemy asks of a fork)."""
    global _PART
    engine.dispose(close=False)
    _PART = (engine, work, counts)


def _part(index: int) -> Impact:
    """One range's impact, in a forked child, on a connection of its own."""
    engine, (current, proposed, counties, since, as_of, ranges), counts = _PART

    def tell(done: int, _total) -> None:
        counts[index] = done

    with Session(engine) as session:
        rows = Applications(session, counties, since, ranges[index])
        return impact(current, proposed, _Uncounted(rows), as_of, progress=tell)
