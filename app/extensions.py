"""Flask extensions, created unbound and initialised by the app factory."""
from flask import has_request_context
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.rules.jsonin import json_loads

#: how long a SQLite writer waits for another before giving up (then: a worded 409)
SQLITE_BUSY_TIMEOUT_MS = 15000

SQLITE_IMMEDIATE = "tempaid_sqlite_immediate"

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, let SQLAlchemy emit BEGIN itself, and let writers wait for each other.

    pysqlite's own transaction handling breaks SAVEPOINT (SQLAlchemy documents this); with it off,
    nested transactions behave as on PostgreSQL. The demo server is what a county tries first, with several
    users at once: in WAL mode readers never block the writer, and a writer waits up to
    ``SQLITE_BUSY_TIMEOUT_MS`` for another instead of failing at once with "database is locked". What still
    loses a race (a read transaction whose snapshot a writer overtook) is answered 409 in words
    (:mod:`app.web.server_errors`).
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """``BEGIN IMMEDIATE`` for a request's transaction where the engine says so (the app's own SQLite engine,
    see :func:`sqlite_writes_queue`): it takes the write lock when it starts, so two requests that both read,
    then write, queue one after the other instead of one of them failing on the upgrade. Outside a request
    (start-up, migrations, the CLI) transactions stay deferred: code there may hold a session open while
    another connection migrates or seeds, which an immediate lock would make wait for itself."""
    if conn.dialect.name == "sqlite":
        immediate = conn.get_execution_options().get(SQLITE_IMMEDIATE) and has_request_context()
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def sqlite_writes_queue(config: dict) -> None:
    """Settings: on SQLite with ``SQLITE_BEGIN_IMMEDIATE``, every transaction of the app begins immediate.
    The demo server serves a few users: queueing their short requests costs little, and no write is refused
    for a race it could have waited out."""
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") and config.get("SQLITE_BEGIN_IMMEDIATE", True):
        options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options["execution_options"] = {**options.get("execution_options", {}), SQLITE_IMMEDIATE: True}


def fast_json_columns(config: dict) -> None:
    """Settings: JSON columns read with :func:`json_loads` (SQLite and PostgreSQL alike)."""
    options = config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("json_deserializer", json_loads)
