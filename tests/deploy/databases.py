"""A PostgreSQL database of a deploy test's own, beside the suite's (tests/deploy/)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url


@contextmanager
def fresh_database(url: str, suffix: str) -> Iterator[URL]:
    """An empty database named ``<the database of url>_<suffix>`` on the same server, dropped after. Both
    drops are ``WITH (FORCE)``: a run killed outright may have left connections to it, and a service a test
    started may still hold one."""
    source = make_url(url)
    fresh = source.set(database=f"{source.database}_{suffix}")
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh.database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{fresh.database}"'))
        yield fresh
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{fresh.database}" WITH (FORCE)'))
        admin.dispose()
