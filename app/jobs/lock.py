"""No job runs twice at once, across every worker: a Redis lock per job key.

Why Redis and not the database: the broker is already Redis, a lock there expires by itself if the worker
holding it dies (``timeout``), and taking it costs no transaction. Without Redis (``JOBS_REDIS_URL`` empty:
eager mode in the demo and the tests, one process) a process-wide lock does the same job for that process.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager

_local_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()
PREFIX = "tempaid:job-lock:"


def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


@contextmanager
def job_lock(key: str, redis_url: str | None, timeout: int):
    """Yield True while holding the lock of ``key``, False (at once, without waiting) if another holds it.
    ``timeout`` seconds bound how long a dead holder keeps it."""
    if redis_url:
        lock = _redis(redis_url).lock(PREFIX + key, timeout=timeout, blocking=False)
        got = lock.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                try:
                    lock.release()
                except Exception:  # expired meanwhile: another may hold it now; nothing of ours to free
                    pass
        return
    with _guard:
        lock = _local_locks.setdefault(key, threading.Lock())
    got = lock.acquire(blocking=False)
    try:
        yield got
    finally:
        if got:
            lock.release()
