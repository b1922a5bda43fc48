"""Batch evaluation: one JSON application per line in, one verdict per line out, in input order.

Each output line is exactly what the single door prints for that line alone (:func:`~app.rules.jsonout.answer`):
the verdict, or the error object of a bad line — text that is not JSON, not UTF-8, or an empty line
among them — so a batch of a million households can be compared line by line with a million single
calls. Lines are split on ``\\n`` only (JSON text never holds a raw newline; a ``\\r`` before it is JSON
whitespace).

Streaming: lines are read and evaluated in chunks, and with ``jobs`` > 1 at most a few chunks per
process are in flight, so memory stays flat however long the file is (``multiprocessing.Pool.imap``
would read the whole input ahead). Workers are forked with the rules already loaded where the platform
forks; elsewhere each loads the rules directory once.
"""
from __future__ import annotations

import mmap
import multiprocessing
import os
from collections import deque
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from app.rules.collector import collector_paused
from app.rules.columns import column_verdicts
from app.rules.faults import InputError
from app.rules.jsonout import answer, dumps, error_json
from app.rules.quickverdict import quick_verdict

CHUNK_LINES = 2000   # lines per task: large enough that pickling is noise, small enough to stay flat
LINE_BYTES = 512     # the bytes of a usual line: a file is read in pieces of CHUNK_LINES such lines
IN_FLIGHT = 2        # chunks queued per worker process

SLOT_BYTES = 8 << 20  # a worker's output for one task, left in shared memory (a bigger one is sent whole)

_RULES = None        # the worker's rule set (inherited through fork, or loaded by _init_worker)
_SLOTS = None        # the shared memory of the output slots (mapped before the workers fork)


def evaluate_line(raw: bytes, rules) -> tuple[str, bool]:
    """``(JSON text, ok)`` for one input line (without its newline), as the single door answers it (the fast
    path reads the bytes themselves; only a line it declines is decoded for the general path)."""
    quick = quick_verdict(raw, rules)
    if quick is not None:
        return quick, True
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return dumps(error_json(InputError(None, f"the input is not valid JSON: {exc}"))), False
    return answer(text, rules)


def evaluate_chunk(lines: list[bytes], rules=None) -> tuple[bytes, int, int]:
    """The output bytes of a chunk of lines (without their newlines): each verdict and a newline; how many
    lines, how many errors. The plain lines are decided together (:func:`~app.rules.columns.column_verdicts`);
    each other one as the single door answers it."""
    rules = _RULES if rules is None else rules
    out, errors = column_verdicts(lines, rules), 0
    try:
        index = out.index(None)                 # the lines left undecided, found in C
        while True:
            out[index], ok = evaluate_line(lines[index], rules)
            errors += not ok
            index = out.index(None, index + 1)
    except ValueError:
        pass
    out.append("")
    return "\n".join(out).encode("utf-8"), len(lines), errors


def evaluate_range(path: str, offset: int, length: int) -> tuple[bytes, int, int]:
    """:func:`evaluate_chunk` of the lines in ``length`` bytes of the file at ``path`` from ``offset`` (a
    worker reads its own input: the reading process only finds where the pieces end)."""
    with open(path, "rb") as source:
        source.seek(offset)
        return evaluate_chunk(split_lines(source.read(length)))


def split_lines(data: bytes) -> list[bytes]:
    """The lines of ``data`` without their newlines: a last line without one still counts, an end right
    after a newline does not start a new line."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def chunks(source: Iterable[bytes], size: int = CHUNK_LINES) -> Iterator[list[bytes]]:
    """Lists of at most ``size`` lines of ``source`` as read, without their newlines (see :func:`split_lines`)."""
    lines, size = iter(source), max(1, size)
    while chunk := list(islice(lines, size)):
        yield [raw[:-1] if raw.endswith(b"\n") else raw for raw in chunk]


def ranges(path: str, start: int, size: int) -> Iterator[tuple[str, int, int]]:
    """``(path, offset, length)`` of consecutive pieces of the regular file at ``path`` from ``start``, each
    about ``size`` bytes and ending just after a newline (the last one at the end of the file)."""
    end = os.path.getsize(path)
    with open(path, "rb") as source:
        while start < end:
            stop = min(start + size, end)
            source.seek(stop)
            while stop < end:
                block = source.read(1 << 16)
                found = block.find(b"\n")
                if found >= 0:
                    stop += found + 1
                    break
                stop += len(block)
            yield path, start, stop - start
            start = stop


def _init_worker(rules_dir: str) -> None:
    global _RULES
    if _RULES is None:
        from app.rules.loader import load_rules

        _RULES = load_rules(Path(rules_dir))


def _into_slot(work, slot: int, task: tuple) -> tuple:
    """``work(*task)`` in a worker, its output bytes left in shared slot ``slot`` when they fit, so only
    their length goes back through the pool's pipe: ``(bytes or None, length, lines, errors)``."""
    blob, count, bad = work(*task)
    if len(blob) > SLOT_BYTES:
        return blob, len(blob), count, bad
    start = slot * SLOT_BYTES
    _SLOTS[start:start + len(blob)] = blob
    return None, len(blob), count, bad


def _ordered(tasks: Iterable[tuple], work, rules, rules_dir, jobs: int) -> Iterator[tuple[bytes, int, int]]:
    """``work(*task)`` of each task in input order, computed by ``jobs`` processes with a bounded queue.

    Forked workers leave their output in slots of memory shared with this process (one per task in
    flight), which it writes from: the output is never pickled, sent through a pipe and copied again."""
    global _RULES, _SLOTS
    _RULES = rules  # the work's rules, here; a forked worker starts with them, a spawned one loads rules_dir
    try:
        if jobs <= 1:
            for task in tasks:
                yield work(*task)
            return
        forks = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if forks else "spawn")
        in_flight = jobs * IN_FLIGHT
        _SLOTS = mmap.mmap(-1, in_flight * SLOT_BYTES) if forks else None
        free = deque(range(in_flight))
        with context.Pool(jobs, initializer=_init_worker, initargs=(str(rules_dir),)) as pool:
            pending: deque = deque()

            def finished():
                slot, result = pending.popleft()
                blob, length, count, bad = result.get()
                if blob is None:
                    blob = memoryview(_SLOTS)[slot * SLOT_BYTES:slot * SLOT_BYTES + length]
                free.append(slot)
                return blob, count, bad

            for task in tasks:
                slot = free.popleft()
                pending.append((slot, pool.apply_async(_into_slot, (work, slot, task)) if forks
                                else pool.apply_async(_unslotted, (work, task))))
                if len(pending) >= in_flight:
                    yield finished()
            while pending:
                yield finished()
    finally:
        _RULES = None


def _unslotted(work, task: tuple) -> tuple:
    """``work(*task)`` in a spawned worker, which shares no memory: its output goes back whole."""
    blob, count, bad = work(*task)
    return blob, len(blob), count, bad


def _regular_file(source) -> str | None:
    """The path of ``source`` when it is a regular file read from its current place on, else None."""
    try:
        path = source.name
        return path if isinstance(path, str) and os.path.isfile(path) and source.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def run_batch(source: BinaryIO, sink: BinaryIO, rules, rules_dir, jobs: int = 1,
              chunk_lines: int = CHUNK_LINES) -> tuple[int, int]:
    """Evaluate every line of ``source`` into ``sink``; returns ``(lines, errors)``. A regular file is read
    by the workers themselves, a piece of about ``chunk_lines`` lines each; anything else (standard input,
    a pipe) by this process, ``chunk_lines`` lines at a time."""
    lines = errors = 0
    path = _regular_file(source)
    if path is not None:
        tasks, work = ranges(path, source.tell(), chunk_lines * LINE_BYTES), evaluate_range
    else:
        tasks, work = ((chunk,) for chunk in chunks(source, chunk_lines)), evaluate_chunk
    with collector_paused():
        for blob, count, bad in _ordered(tasks, work, rules, rules_dir, jobs):
            sink.write(blob)
            lines += count
            errors += bad
    sink.flush()
    return lines, errors
