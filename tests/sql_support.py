"""The SQL statements a piece of work sends, for tests that count queries (no query per row or per menu
entry)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def recorded():
    """``with recorded() as seen: ...`` → ``seen`` holds every statement sent inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def statements(client, url, **kwargs):
    """GET ``url`` and return (the response, the statements it cost)."""
    with recorded() as seen:
        response = client.get(url, **kwargs)
    return response, seen
