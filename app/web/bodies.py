"""Every API request body is checked once, before any endpoint reads it (a ``before_request`` hook).

A body that is not JSON, malformed, nested deeper than ``JSON_MAX_DEPTH`` (Python's parser recurses, and
20,000 levels end in RecursionError), or JSON that is not an object (``null``, an array, a string) is
refused with 400 naming the problem. A rison ``q`` that neither rison nor JSON reads (``q=((((`` makes
the rison parser recurse too) is refused the same way. An empty body passes the hook: endpoints that need
one ask :func:`body_object`, the others (claim, settle) take none.
"""
from __future__ import annotations

import json
import re

import prison
from flask import current_app, request
from flask_babel import lazy_gettext as _l

from app.web.errors import ApiRefusal, error_response

BODY_METHODS = ("POST", "PUT", "PATCH")
#: endpoints whose body the engine reads and answers itself, byte for byte as the CLI (spec/evaluation.md)
ENGINE_DOORS = frozenset({"EligibilityApi.evaluate"})
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")

NOT_JSON = _l("The body must be JSON (Content-Type: application/json)")
MALFORMED = _l("The body is not valid JSON")
TOO_DEEP = _l("The body is nested too deeply")
NOT_OBJECT = _l("The body must be a JSON object ({...})")
EMPTY = _l("The request needs a JSON object body")
BAD_QUERY = _l("The query argument q is neither rison nor JSON")


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON text, without parsing it (strings skipped)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _query_problem() -> bool:
    value = request.args.get("q")
    if not value:
        return False
    try:
        prison.loads(value)
        return False
    except prison.decoder.ParserException:
        pass  # FAB then reads it as JSON, as below
    except Exception:  # noqa: BLE001 — RecursionError, IndexError, ValueError (``1e+5``): FAB would not catch it
        return True
    try:
        json.loads(value)
        return nesting_depth(value) > current_app.config["JSON_MAX_DEPTH"]
    except (ValueError, RecursionError):
        return True


def check_api_request():
    """``before_request``: answer a bad query or body of an API request with 400 before any view runs."""
    if not request.path.startswith("/api/"):
        return None
    if _query_problem():
        return error_response(400, "bad_query", BAD_QUERY, "q")
    if request.method not in BODY_METHODS:
        return None
    raw = request.get_data(cache=True, as_text=True)  # beyond MAX_CONTENT_LENGTH: 413
    if not raw.strip():
        return None
    if nesting_depth(raw) > current_app.config["JSON_MAX_DEPTH"]:
        return error_response(400, "too_deep", TOO_DEEP)
    if request.endpoint in ENGINE_DOORS:
        return None
    if not request.is_json:
        return error_response(400, "not_json", NOT_JSON)
    value = request.get_json(silent=True)  # parsed once and kept for the endpoint
    if value is None and raw.strip() != "null":
        return error_response(400, "malformed_json", MALFORMED)
    if not isinstance(value, dict):
        return error_response(400, "not_an_object", NOT_OBJECT)
    return None


def body_object() -> dict:
    """The request's JSON object (checked by the hook); an endpoint that needs a body refuses none."""
    value = request.get_json(silent=True)
    if not isinstance(value, dict):
        raise ApiRefusal(400, "empty_body", EMPTY)
    return value


def optional_body() -> dict:
    """The request's JSON object, or ``{}`` when it sent none (actions that need no fields)."""
    value = request.get_json(silent=True)
    return value if isinstance(value, dict) else {}
