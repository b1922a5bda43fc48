"""The roles sync at start-up, safe when gunicorn's workers, the job worker and beat start at once.

Each of them builds the app and would write config/roles.yaml into Flask-AppBuilder's tables; two doing it
together deleted the same association rows (SQLAlchemy's StaleDataError) or added a permission twice. So
one process syncs at a time — a PostgreSQL advisory lock (on a connection of its own, held until the sync
is committed), on SQLite a file lock beside the database file — and a process that gets the lock after
another has synced finds the stored digest matching and skips. The digest covers what a sync reads (the
declared roles, the permissions of the registered screens and APIs, the menu) and what it leaves (a
fingerprint of the permission tables), so a changed roles file, a new screen or a role edited by hand in
the database is synced again at the next start, as before.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import func, inspect, select

from app.advisory import advisory_lock
from app.extensions import db
from app.models.security_sync import SecuritySync
from app.security.roles import load_roles
from app.security.sync import sync_security
from app.web.menu import MENU_OF_VIEW

#: the advisory lock of the roles sync (the rule save uses another key)
ADVISORY_KEY = 0x7E3A_1D18
NAME = "roles"
PERMISSION_TABLE = "ab_permission_view_role"


@contextmanager
def _one_at_a_time(engine):
    """Hold the installation's roles-sync lock for the block (wait for it)."""
    if engine.dialect.name == "postgresql":
        with advisory_lock(engine, ADVISORY_KEY):
            yield
        return
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":  # one process owns an in-memory database
        yield
        return
    with open(f"{path}.roles-sync.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _inputs() -> str:
    """What a sync is made from: the roles as declared, each screen's permissions, the menu entries."""
    appbuilder = current_app.appbuilder
    roles = sorted((spec.key, spec.name_zh, spec.name_en, spec.scope, spec.personal_data,
                    sorted((view, sorted(names)) for view, names in spec.permissions.items()))
                   for spec in load_roles().values())
    views = sorted((view.class_permission_name, sorted(view.base_permissions or ()))
                   for view in appbuilder.baseviews if getattr(view, "class_permission_name", None))
    menu = sorted(appbuilder.menu.get_flat_name_list())
    return json.dumps([roles, views, menu, sorted((k, sorted(v)) for k, v in MENU_OF_VIEW.items())],
                      ensure_ascii=False, default=str)


def _tables_fingerprint(session) -> str:
    """One aggregate over the permission tables: changes when a role gains or loses a permission."""
    from flask_appbuilder.security.sqla.models import PermissionView, Role, assoc_permissionview_role as link

    row = session.execute(select(
        select(func.count()).select_from(link).scalar_subquery(),
        select(func.coalesce(func.sum(link.c.role_id * 100_003 + link.c.permission_view_id), 0))
        .scalar_subquery(),
        select(func.count()).select_from(PermissionView).scalar_subquery(),
        select(func.count()).select_from(Role).scalar_subquery())).one()
    return ",".join(str(value) for value in row)


def _digest(inputs: str, fingerprint: str) -> str:
    return hashlib.sha256(f"{inputs}\n{fingerprint}".encode()).hexdigest()


def sync_roles_at_start() -> str:
    """Sync the roles unless the schema is not there yet; ``"synced"``, ``"unchanged"`` or ``"no schema"``."""
    engine = db.engine
    tables = set(inspect(engine).get_table_names())
    if PERMISSION_TABLE not in tables:
        return "no schema"  # before ``tempaid db upgrade``: nothing to write into
    session = db.session
    with _one_at_a_time(engine):
        if SecuritySync.__tablename__ not in tables:  # a database before migration 0018: sync, locked
            sync_security()
            return "synced"
        inputs = _inputs()
        stored = session.get(SecuritySync, NAME)
        if stored is not None and stored.digest == _digest(inputs, _tables_fingerprint(session)):
            session.rollback()
            return "unchanged"
        sync_security()
        digest = _digest(inputs, _tables_fingerprint(session))
        stored = session.get(SecuritySync, NAME) or SecuritySync(name=NAME)
        stored.digest, stored.synced_at = digest, dt.datetime.now(dt.timezone.utc)
        session.add(stored)
        session.commit()
        return "synced"
