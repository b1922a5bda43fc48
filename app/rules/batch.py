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

import multiprocessing
from collections import deque
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from app.rules.collector import collector_paused
from app.rules.faults import InputError
from app.rules.jsonout import answer, dumps, error_json

CHUNK_LINES = 2000   # lines per task: large enough that pickling is noise, small enough to stay flat
IN_FLIGHT = 2        # chunks queued per worker process

_RULES = None        # the worker's rule set (inherited through fork, or loaded by _init_worker)


def evaluate_line(raw: bytes, rules) -> tuple[str, bool]:
    """``(JSON text, ok)`` for one input line (without its newline), as the single door answers it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return dumps(error_json(InputError(None, f"the input is not valid JSON: {exc}"))), False
    return answer(text, rules)


def evaluate_chunk(lines: list[bytes], rules=None) -> tuple[bytes, int, int]:
    """The output bytes of a chunk of lines as read (each with its newline but a last one), each verdict
    and a newline; how many lines, how many errors."""
    rules = _RULES if rules is None else rules
    out, errors = [], 0
    for raw in lines:
        text, ok = evaluate_line(raw[:-1] if raw.endswith(b"\n") else raw, rules)
        out.append(text)
        errors += not ok
    out.append("")
    return "\n".join(out).encode("utf-8"), len(lines), errors


def chunks(source: Iterable[bytes], size: int = CHUNK_LINES) -> Iterator[list[bytes]]:
    """Lists of at most ``size`` lines of ``source`` as read, newlines kept (the workers strip them, so the
    reading process does no work per line); a last line without a newline still counts, an end of file
    right after a newline does not start a new line."""
    lines, size = iter(source), max(1, size)
    while chunk := list(islice(lines, size)):
        yield chunk


def _init_worker(rules_dir: str) -> None:
    global _RULES
    if _RULES is None:
        from app.rules.loader import load_rules

        _RULES = load_rules(Path(rules_dir))


def _ordered(pieces: Iterable[list[bytes]], rules, rules_dir, jobs: int) -> Iterator[tuple[bytes, int, int]]:
    """The chunks' results in input order, computed by ``jobs`` processes with a bounded queue."""
    global _RULES
    if jobs <= 1:
        for piece in pieces:
            yield evaluate_chunk(piece, rules)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    _RULES = rules  # a forked worker starts with it; a spawned one loads rules_dir
    try:
        with context.Pool(jobs, initializer=_init_worker, initargs=(str(rules_dir),)) as pool:
            pending: deque = deque()
            for piece in pieces:
                pending.append(pool.apply_async(evaluate_chunk, (piece,)))
                if len(pending) >= jobs * IN_FLIGHT:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _RULES = None


def run_batch(source: BinaryIO, sink: BinaryIO, rules, rules_dir, jobs: int = 1,
              chunk_lines: int = CHUNK_LINES) -> tuple[int, int]:
    """Evaluate every line of ``source`` into ``sink``; returns ``(lines, errors)``."""
    lines = errors = 0
    with collector_paused():
        for blob, count, bad in _ordered(chunks(source, chunk_lines), rules, rules_dir, jobs):
            sink.write(blob)
            lines += count
            errors += bad
    sink.flush()
    return lines, errors
