"""Bulk and single actions (``/<view>/action_post``, ``/<view>/action/<name>/<pk>``) for an action the
view does not have answer 404: Flask-AppBuilder looks the name up and fails on None with a 500
(``'NoneType' object has no attribute 'func'``). One ``before_request`` hook covers every view, FAB's own
(users, roles) included."""
from __future__ import annotations

from flask import abort, current_app, request

ACTION_ENDPOINTS = ("action", "action_post")


def refuse_unknown_action() -> None:
    endpoint = request.endpoint or ""
    if endpoint.rsplit(".", 1)[-1] not in ACTION_ENDPOINTS:
        return
    view = getattr(current_app.view_functions.get(endpoint), "__self__", None)
    if view is None:
        return
    if endpoint.endswith(".action_post"):
        name = request.form.get("action")
    else:
        name = (request.view_args or {}).get("name")
    if name not in (getattr(view, "actions", None) or {}):
        abort(404)
