"""Every error answered in words, every server error logged with its traceback and a request id.

Each request gets an id (``X-Request-ID`` on every answer, shown on the 500 page and in the API's 500
body) that a user can quote and the log line carries. Flask-AppBuilder's ``@safe`` swallows an API
endpoint's exception into ``{"message": "Fatal error"}`` and calls ``response_500`` inside its ``except``
block; :func:`api_failure` takes that place for every API (ours and FAB's), so the exception is still at
hand: an :class:`~app.web.errors.ApiRefusal` becomes its 4xx, a database constraint a worded 409 (never
the database's own text, which would say for instance that an ID number exists in another county), a
lost SQLite race a worded 409, and anything else a 500 that is logged whole.

Screens: 403, 404, 409, 413 and 500 are pages in the user's language with the menu and a way back; under
``/api/`` the same errors answer in the error shape.
"""
from __future__ import annotations

import logging
import secrets
import sys
from decimal import Overflow as DecimalOverflow

from flask import Flask, g, has_request_context, render_template, request
from flask_appbuilder.api import BaseApi
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.web.errors import ApiRefusal, error_response

log = logging.getLogger("tempaid.errors")

CONFLICT = _l("This conflicts with a record already saved (for example the same resident ID number): "
              "look the record up instead of entering it again")
DUPLICATE_ID = _l("This resident ID number is already registered: search for the household instead of "
                  "registering it again")
BUSY = _l("Someone else was saving at the same moment: nothing was saved, please try again")
TOO_DEEP = _l("The request is nested too deeply")
TOO_LARGE = _l("A number in the request is too large")
DOES_NOT_FIT = _l("A value does not fit (too long or out of range)")
#: formatted with the request id at answer time (in the caller's language)
SERVER = "Something went wrong on the server; nothing was saved. Quote request %(id)s to the administrator"
_l(SERVER)  # for the catalogue
PAGES = {
    400: (_l("Not understood"), _l("The form could not be read (it may have expired): go back, reload the page and "
                                   "try again.")),
    403: (_l("Not allowed"), _l("Your role may not open this page.")),
    404: (_l("Not found"), _l("There is no such page, or the record is outside your jurisdiction.")),
    405: (_l("Not allowed"), _l("This page does not take that kind of request.")),
    409: (_l("Not saved"), BUSY),
    413: (_l("Too large"), _l("What was sent is larger than the server accepts (1 MB).")),
}
#: the public pages' own words (no login, no jurisdiction: a resident never reads "outside your jurisdiction")
PUBLIC_PAGES = {
    400: (_l("Not understood"), _l("The form could not be read: go back, reload the page and try again.")),
    404: (_l("Not found"), _l("There is no such page. Start again from the temporary assistance page.")),
    405: (_l("Not allowed"), _l("This page does not take that kind of request.")),
    413: (_l("Too large"), _l("What was sent is larger than the server accepts (1 MB).")),
    429: (_l("Too many requests"), _l("Too many requests from this address: please wait a while and try again.")),
}
API_MESSAGES = {
    400: ("bad_request", _l("The request is not understood")),
    401: ("unauthorized", _l("Log in first")),
    403: ("forbidden", _l("Your role may not do this")),
    404: ("not_found", _l("Not found")),
    405: ("method_not_allowed", _l("This address does not take that method")),
    409: ("conflict", CONFLICT),
    413: ("too_large", _l("The body is larger than the server accepts")),
    422: ("invalid", _l("A field of the body is missing, unknown or malformed")),
    429: ("too_many_requests", _l("Too many requests: try again in a moment")),
}


def request_id() -> str:
    if not has_request_context():
        return "-"
    if "request_id" not in g:
        g.request_id = secrets.token_hex(6)
    return g.request_id


def _locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "busy": another writer held the file past the busy timeout."""
    return isinstance(exc, OperationalError) and any(
        word in str(exc.orig).lower() for word in ("database is locked", "database is busy"))


def _conflict_field(exc: IntegrityError) -> str | None:
    text = str(exc.orig).lower()
    return "id_number" if "id_number" in text else None


def worded(exc: BaseException):
    """``(status, code, message, field)`` for an exception that is the caller's or the race's doing, else
    None (a server error)."""
    if isinstance(exc, ApiRefusal):
        return exc.status, exc.code, exc.message, exc.field
    if isinstance(exc, IntegrityError):
        field = _conflict_field(exc)
        return 409, "conflict", DUPLICATE_ID if field == "id_number" else CONFLICT, field
    if _locked(exc):
        return 409, "busy", BUSY, None
    if isinstance(exc, DataError):  # PostgreSQL: a value too long or out of range for its column
        return 400, "invalid_value", DOES_NOT_FIT, None
    if isinstance(exc, RecursionError):
        return 400, "too_deep", TOO_DEEP, None
    if isinstance(exc, (OverflowError, DecimalOverflow)):  # a number beyond what the database or Decimal holds
        return 400, "number_too_large", TOO_LARGE, None
    return None


def refusal_for(exc: BaseException) -> ApiRefusal | None:
    """The worded refusal a database error stands for (a constraint, a lost race), or None."""
    known = worded(exc)
    return None if known is None else ApiRefusal(*known)


def database_refusal(exc: BaseException) -> ApiRefusal:
    """What a failed database write says to the client: the worded refusal it stands for, or a server error
    quoting the request id — never the database's own text (logged here with its traceback)."""
    refusal = refusal_for(exc)
    if refusal is not None:
        return refusal
    log_server_error((type(exc), exc, exc.__traceback__))
    return ApiRefusal(500, "server_error", gettext(SERVER, id=request_id()))


def _rollback() -> None:
    from app.extensions import db

    try:
        db.session.rollback()  # nothing half-saved
    except Exception:  # noqa: BLE001 — the connection may be gone; the request ends either way
        log.exception("rollback after an error failed (request %s)", request_id())


def log_server_error(exc_info=None) -> None:
    log.error("server error, request %s: %s %s", request_id(), request.method, request.full_path,
              exc_info=exc_info or sys.exc_info())


def api_failure(self, message: str = None):  # noqa: ARG001 — FAB's signature; the exception says more
    """Replaces ``BaseApi.response_500``: called by ``@safe`` inside its ``except`` block."""
    exc = sys.exc_info()[1]
    _rollback()
    known = worded(exc) if exc is not None else None
    if known is not None:
        status, code, text, field = known
        return error_response(status, code, text, field)
    log_server_error()
    return error_response(500, "server_error", gettext(SERVER, id=request_id()))


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _is_public() -> bool:
    return request.path == "/public" or request.path.startswith("/public/")


def _public_page(status: int, title, text, rid: str | None = None):
    """The plain public error page: the public pages' frame (no staff menu, no login), Chinese first."""
    from flask_babel import get_locale

    return render_template("public/error.html", status=status, heading=title, text=text, request_id=rid,
                           english=not str(get_locale()).startswith("zh")), status


def _page(status: int, title, text, rid: str | None = None):
    from flask import current_app

    if _is_public():
        words = PUBLIC_PAGES.get(status)
        return _public_page(status, *(words or (title, text)), rid)

    from flask_login import current_user

    appbuilder = current_app.appbuilder
    if "user" not in g:  # refused before FAB's own hook ran (a CSRF failure): the menu still knows the user
        g.user = current_user
    return render_template("tempaid/error.html", base_template=appbuilder.base_template, appbuilder=appbuilder,
                           status=status, heading=title, text=text, request_id=rid), status


def _http_error(exc: HTTPException):
    status = exc.code or 500
    if _is_api():
        code, text = API_MESSAGES.get(status, ("error", exc.description))
        return error_response(status, code, text)
    title, text = PAGES.get(status, (exc.name, exc.description))
    return _page(status, title, text)


def _server_error(exc: InternalServerError):
    original = getattr(exc, "original_exception", None) or exc
    _rollback()
    known = worded(original)
    if known is not None:
        status, code, text, field = known
        if _is_api():
            return error_response(status, code, text, field)
        return _page(status, PAGES.get(status, (_l("Not saved"), text))[0], text)
    if _is_api():
        return error_response(500, "server_error", gettext(SERVER, id=request_id()))
    return _page(500, _l("Server error"), gettext(SERVER, id=request_id()), request_id())


class LoggingFlask(Flask):
    """Flask whose unhandled-exception log line carries the request id, and that leaves a worded
    refusal (a lost race, a constraint) out of the error log."""

    def log_exception(self, exc_info) -> None:
        if exc_info[1] is not None and worded(exc_info[1]) is not None:
            return
        log_server_error(exc_info)


def _new_request_id() -> None:
    request_id()


def _stamp(response):
    response.headers["X-Request-ID"] = request_id()
    return response


def init_errors(app: Flask) -> None:
    from app.web import api_errors
    from app.web.actions import refuse_unknown_action
    from app.web.bodies import check_api_request

    BaseApi.response_500 = api_failure
    api_errors.install(app)
    app.before_request(_new_request_id)
    app.before_request(check_api_request)
    app.before_request(refuse_unknown_action)
    app.after_request(_stamp)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
