"""The one error shape of the API: ``{"error": {"field": ..., "message": ..., "code": ...}}``.

``message`` is in the caller's language (a lazy string rendered at answer time), ``code`` is stable for
programs, ``field`` names the input at fault (None when the whole request is). Raise :class:`ApiRefusal`
anywhere below an API endpoint: the wrapper that answers server errors turns it into its 4xx
(:mod:`app.web.server_errors`), so no endpoint writes the shape itself.
"""
from __future__ import annotations

import json

from flask import Response


class ApiRefusal(Exception):
    """A request refused with a 4xx and a worded reason."""

    def __init__(self, status: int, code: str, message, field: str | None = None):
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)

    def response(self) -> Response:
        return error_response(self.status, self.code, self.message, self.field)


def error_body(code: str, message, field: str | None = None) -> dict:
    return {"error": {"field": field, "message": str(message), "code": code}}


def error_response(status: int, code: str, message, field: str | None = None, headers=None) -> Response:
    return Response(json.dumps(error_body(code, message, field), ensure_ascii=False), status=status,
                    mimetype="application/json", headers=headers)
