"""Sessions that end on the server.

Flask keeps the session in a signed cookie, so logging out only asks the browser to forget it: a copy
taken before still opened every page. Each user carries a session generation; the cookie remembers the
generation it was issued in, and a session whose generation is not the user's current one (or whose user
is deactivated) is no longer logged in. Logout, a new password and deactivation move the generation on,
whichever door they came through (screen, API, ``tempaid`` command), since they are watched on the model.
API tokens carry the generation they were issued in too, so the same events end them (a token lives
15 minutes, a refresh token 12 hours: too long to leave running after a password change).
"""
from __future__ import annotations

from flask import Flask, session
from flask_appbuilder.security.sqla.models import User
from flask_login import user_logged_in
from sqlalchemy import event

SESSION_KEY = "_tempaid_generation"
TOKEN_CLAIM = "tempaid_generation"


def end_sessions(user) -> None:
    """Every session of ``user`` issued so far stops working (the caller commits)."""
    user.session_generation = (user.session_generation or 0) + 1


def is_current(user) -> bool:
    """Whether this request's session was issued in the user's current generation."""
    return user.is_active and session.get(SESSION_KEY) == (user.session_generation or 0)


def token_is_current(user, claims: dict) -> bool:
    """Whether an API token was issued in the user's current generation."""
    return user.is_active and claims.get(TOKEN_CLAIM) == (user.session_generation or 0)


def token_claims(user) -> dict:
    return {TOKEN_CLAIM: user.session_generation or 0}


def remember_generation(user) -> None:
    session[SESSION_KEY] = user.session_generation or 0


def _logged_in(_sender, user, **_extra) -> None:
    remember_generation(user)


@event.listens_for(User.password, "set", propagate=True)
def _new_password(target, value, oldvalue, _initiator) -> None:
    if value != oldvalue and hasattr(target, "session_generation"):
        end_sessions(target)


@event.listens_for(User.active, "set", propagate=True, active_history=True)
def _deactivated(target, value, oldvalue, _initiator) -> None:
    if not value and oldvalue is True and hasattr(target, "session_generation"):
        end_sessions(target)


def init_sessions(app: Flask) -> None:
    user_logged_in.connect(_logged_in, app)
