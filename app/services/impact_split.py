"""A year of a city's applications measured on every core: the impact job split by case id.

One process reads and decides some 60,000 applications a second; a million take longer than the issue's
ten seconds on one core of a two-core machine. The job therefore splits the applications into as many
ranges of case ids as it has processes (:func:`id_ranges`), forks one process per range — each reads
its own range on a connection of its own and computes its own :class:`~app.rules.impact.Impact` — and
adds the parts up (:func:`~app.rules.impact.merged`): the same figures as one process gives, whatever
the split. Progress is the sum of the parts' counts, told as the parts go.

The parts are forked by billiard (Celery's own fork of :mod:`multiprocessing`): the job runs in a pool
process of the worker, which :mod:`multiprocessing` refuses to let have children of its own (a daemonic
process) and billiard does not. Where a fork cannot help or cannot be made — fewer than
:data:`SPLIT_FROM` applications, one process asked for, a platform that does not fork, an in-memory
SQLite database the children could not see — the impact runs in the calling process, as before. The children see what is committed (the impact reads
stored cases, never the job's own writes).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os

import billiard

from sqlalchemy.orm import Session

from app.rules.impact import Impact, impact, merged
from app.services.rule_edits import Applications

SPLIT_FROM = 100_000  # applications: below this a fork costs more than it saves (one process: ~2 s)
POLL_SECONDS = 0.5

_WORK = None  # the parts' shared state, inherited by the forked children


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
    url = session.get_bind().url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    return "fork" in multiprocessing.get_all_start_methods() and not in_memory


def impact_of(session: Session, current, proposed, counties: list[str], since: dt.date, as_of: dt.date,
              progress=None, jobs: int | None = None, split_from: int = SPLIT_FROM) -> Impact:
    """The impact of ``proposed`` against ``current`` over the applications of ``counties`` since ``since``,
    on ``jobs`` processes (default: one per core) when there are at least ``split_from`` of them."""
    applications = Applications(session, counties, since)
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2 or not _can_fork(session):
        return impact(current, proposed, applications, as_of, progress=progress)
    total, first, last = applications.extent()
    if total < max(split_from, 1):
        return impact(current, proposed, _Counted(applications, total), as_of, progress=progress)
    return _split(session, current, proposed, counties, since, as_of, id_ranges(first, last, jobs), total, progress)


class _Counted:
    """Applications whose number is already known (the impact asks ``len()`` for its progress)."""

    def __init__(self, applications, count: int):
        self.applications, self.count = applications, count

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(self.applications)


def _split(session, current, proposed, counties, since, as_of, ranges, total: int, progress) -> Impact:
    global _WORK
    context = billiard.get_context("fork")  # billiard, Celery's own: a worker's pool process may fork it too
    counts = context.Array("l", len(ranges), lock=False)
    _WORK = (session.get_bind(), current, proposed, counties, since, as_of, ranges, counts)
    if progress is not None:
        progress(0, total)
    try:
        with context.Pool(len(ranges)) as pool:
            pending = pool.map_async(_part, range(len(ranges)))
            while not pending.ready():
                pending.wait(POLL_SECONDS)
                if progress is not None:
                    progress(sum(counts), total)
            parts = pending.get()
    finally:
        _WORK = None
    result = merged(parts)
    if progress is not None:
        progress(result.applications, total)
    return result


def _part(index: int) -> Impact:
    """One range's impact, in a forked child: on a connection of its own (the parent's pooled ones stay
    the parent's, as SQLAlchemy asks of a fork)."""
    engine, current, proposed, counties, since, as_of, ranges, counts = _WORK
    engine.dispose(close=False)

    def tell(done: int, _total) -> None:
        counts[index] = done

    with Session(engine) as session:
        return impact(current, proposed, Applications(session, counties, since, ranges[index]), as_of, progress=tell)
