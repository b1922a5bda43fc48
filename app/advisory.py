"""A PostgreSQL advisory lock held on a connection of its own for the length of a block: one process of
the installation at a time in the block (a rule save, the roles sync at start), whichever machine it runs
on, and released by the server if the process dies. The caller's own session commits inside the block."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import func, select


@contextmanager
def advisory_lock(engine, key: int):
    """Wait for the lock ``key`` on PostgreSQL and hold it for the block."""
    with engine.connect() as connection:
        connection.execute(select(func.pg_advisory_lock(key)))
        try:
            yield
        finally:
            connection.execute(select(func.pg_advisory_unlock(key)))
            connection.commit()
