"""CSRF on the REST API when the browser session carries it.

The ``/api/v1/`` blueprints are exempt from Flask-WTF's form check (bearer-token clients have no form),
but they also accept the session cookie (``allow_browser_login``), which a browser sends with any request
another site makes it send. So a state-changing call (POST, PUT, PATCH, DELETE) that does not carry a
bearer token must come from our own origin (``Origin`` / ``Referer``, when the browser says) and, when a
session is logged in, present Flask-WTF's token in the ``X-CSRFToken`` header, as our own pages do.
A bearer token cannot be added by another site, so such calls are left to the token check.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, jsonify, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import ValidationError, validate_csrf

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: the API login carries its own credentials and starts no browser session
NO_TOKEN_NEEDED = frozenset({"/api/v1/security/login"})


def _foreign_origin() -> bool:
    """The page that sent the request is not ours (an ``Origin`` of ``null`` counts as foreign)."""
    claimed = request.headers.get("Origin") or request.headers.get("Referer")
    if not claimed:
        return False  # not a browser, or one that sends neither: the token still decides
    parts = urlsplit(claimed)
    return (parts.scheme, parts.netloc) != (request.scheme, request.host)


def _refused(code: str, message: str):
    """The refusal in the one error shape of the API: ``{"error": {"field", "message", "code"}}``."""
    response = jsonify(error={"field": None, "code": code, "message": message})
    response.status_code = 403
    return response


def check_api_request():
    if request.method not in STATE_CHANGING or not request.path.startswith("/api/"):
        return None
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return None
    if _foreign_origin():
        return _refused("foreign_origin", _("Refused: the request came from another site."))
    if "_user_id" in session and request.path not in NO_TOKEN_NEEDED:
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except ValidationError:
            return _refused("csrf_token", _("Refused: the security token of the page is missing or has "
                                            "expired. Reload the page and try again."))
    return None


def init_api_csrf(app: Flask) -> None:
    app.before_request(check_api_request)
