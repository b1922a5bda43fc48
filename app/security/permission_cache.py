"""The user's permissions read once per request, not once per check.

Flask-AppBuilder asks the database for every ``has_access``: the menu, each button a template guards and
each ``@has_access`` view cost one ``EXISTS`` query apiece (22 on a case list page). Here the first check
of a request loads every (permission, view) pair of the user's database roles in one query and keeps
them on the request; later checks of the same request read that set. Nothing outlives the request, so a
role changed by an administrator applies from the next request on, in every worker (no state kept in a
worker's memory).
"""
from __future__ import annotations

from flask import has_request_context, request
from flask_appbuilder.security.sqla.models import Permission, PermissionView, ViewMenu, assoc_permissionview_role
from sqlalchemy import select

_ATTRIBUTE = "_tempaid_permissions"


def _load(session, role_ids: tuple[int, ...]) -> frozenset[tuple[str, str]]:
    rows = session.execute(
        select(Permission.name, ViewMenu.name)
        .join(PermissionView, PermissionView.permission_id == Permission.id)
        .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
        .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
        .where(assoc_permissionview_role.c.role_id.in_(role_ids))
    )
    return frozenset((permission, view) for permission, view in rows)


def _request_cache() -> dict:
    cache = getattr(request, _ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(request, _ATTRIBUTE, cache)
    return cache


def role_permissions(session, role_ids: list[int]) -> frozenset[tuple[str, str]] | None:
    """The (permission, view) pairs the roles hold, loaded once per request and per set of roles;
    None outside a request (a CLI or a script asks the database each time, as FAB does)."""
    if not has_request_context():
        return None
    key = tuple(sorted(role_ids))
    cache = _request_cache()
    if key not in cache:
        cache[key] = _load(session, key)
    return cache[key]


def public_permissions(sm) -> frozenset[tuple[str, str]] | None:
    """What the public role (no login) may do, once per request: FAB looks the role up and reads its
    permissions on every ``@protect`` call of the API (four queries a call); None outside a request."""
    if not has_request_context():
        return None
    cache = _request_cache()
    if "public" not in cache:
        role = sm.find_role(sm.auth_role_public)
        cache["public"] = _load(sm.session, (role.id,)) if role is not None else frozenset()
    return cache["public"]


def forget() -> None:
    """Drop this request's permissions (after a change to roles within the request)."""
    if has_request_context() and hasattr(request, _ATTRIBUTE):
        delattr(request, _ATTRIBUTE)
