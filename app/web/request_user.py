"""Who is asking: the user of this request, logged in by session or by JWT (Flask-AppBuilder's notion).

Only the web layer reads it; services, rules and the scope checks take the acting user as an argument,
so the CLI, jobs and tests call them the same way a screen does.
"""
from __future__ import annotations

from flask import current_app, has_request_context


def current_user():
    """The user of this request, else None (no request, or nobody logged in)."""
    if not has_request_context():
        return None
    return current_app.appbuilder.sm.current_user


def current_user_id() -> int | None:
    """The id of the logged-in user of this request, for the audit trail (None when nobody is)."""
    user = current_user()
    return user.id if user is not None and getattr(user, "is_authenticated", False) else None
