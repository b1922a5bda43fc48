"""Flask-AppBuilder's own 4xx answers (``response_400`` … ``response_422``, used by its model endpoints,
``@protect`` and the login) in the one error shape, in the caller's language.

FAB answers ``{"message": "Not found"}``, ``{"message": {"head_name": ["…"]}}`` (a schema's faults) or
whatever an endpoint passed; here each becomes ``{"error": {"field", "message", "code"}}``, the field
named when FAB's schema named one. Installed once, for every API (ours and FAB's), as
:func:`app.web.server_errors.api_failure` is for the 500.
"""
from __future__ import annotations

from flask_appbuilder.api import BaseApi
from flask_appbuilder.api import schemas as fab_schemas

from app.web.errors import error_response
from app.web import openapi
from app.web.openapi import PAGE_SIZE_MAX
from app.web.schemas.base import _first, worded


def _answer(status: int, default_code: str, default_message, message=None):
    if isinstance(message, dict) and isinstance(message.get("error"), dict):
        found = message["error"]
        return error_response(status, found.get("code") or default_code, found.get("message") or default_message,
                              found.get("field"))
    if isinstance(message, (dict, list)) and message:
        field, text = _first(message)
        return error_response(status, "invalid", worded(str(text)), field or None)
    if isinstance(message, str) and message:
        return error_response(status, default_code, worded(message))
    return error_response(status, default_code, default_message)


def _jwt_refusals(jwt_manager, word) -> None:
    """flask-jwt-extended answers a missing, bad, expired or revoked token with ``{"msg": ...}``; here in the
    one error shape like every other 401."""
    def unauthorized(*_args):
        return _answer(401, *word(401))

    for loader in ("unauthorized_loader", "invalid_token_loader", "expired_token_loader",
                   "revoked_token_loader", "user_lookup_error_loader", "token_verification_failed_loader"):
        getattr(jwt_manager, loader)(unauthorized)
    jwt_manager.needs_fresh_token_loader(unauthorized)


def install(app=None) -> None:
    from app.web.server_errors import API_MESSAGES

    def word(status):
        return API_MESSAGES[status]

    BaseApi.response_400 = lambda self, message=None: _answer(400, *word(400), message)
    BaseApi.response_422 = lambda self, message=None: _answer(422, "invalid", word(422)[1], message)
    BaseApi.response_401 = lambda self: _answer(401, *word(401))
    BaseApi.response_403 = lambda self: _answer(403, *word(403))
    BaseApi.response_404 = lambda self: _answer(404, *word(404))
    openapi.install()
    jwt_manager = getattr(getattr(getattr(app, "appbuilder", None), "sm", None), "jwt_manager", None)
    if jwt_manager is not None:
        _jwt_refusals(jwt_manager, word)
    # page_size is bounded where FAB's rison check reads it, so the bound is refused (400) and documented
    fab_schemas.get_list_schema["properties"]["page_size"].update(
        minimum=1, maximum=PAGE_SIZE_MAX, description=f"rows per page, 1 to {PAGE_SIZE_MAX} (default 20)")
    fab_schemas.get_list_schema["properties"]["page"].update(minimum=0, description="page index from 0")
    fab_schemas.get_list_schema["properties"]["page_size"].pop("default", None)
