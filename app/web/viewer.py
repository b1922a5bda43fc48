"""Masking for the viewer of this request: :mod:`app.security.masking` takes the user as an argument, and
here — the web layer, the only one that reads the request — that user is the one logged in.

Screens, API endpoints and formatters call these; services, jobs and the CLI call the masking functions
with the user they act for.
"""
from __future__ import annotations

from app.security import masking
from app.web.request_user import current_user


def viewer_sees_whole(record=None) -> bool:
    """Whether this request's user sees personal data whole (on ``record``, when given)."""
    return masking.viewer_sees_whole(current_user(), record)


def shown(kind: str, value: str | None, record=None) -> str:
    """The value as this request's user may see it."""
    return masking.shown(kind, value, current_user(), record)


def mask_record(record: dict) -> None:
    """Mask one REST record's personal columns in place for this request's user."""
    masking.mask_record(record, current_user())


def formatters() -> dict:
    """``formatters_columns`` for a ModelView: each personal column masked for the viewer of the page
    (read when the page is drawn, not when the view is made)."""
    return {column: (lambda value, kind=kind: shown(kind, value)) for column, kind in masking.PERSONAL_COLUMNS.items()}
