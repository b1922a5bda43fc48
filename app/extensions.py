"""Flask extensions, created unbound and initialised by the app factory."""
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

#: how long a SQLite writer waits for another before giving up (then: a worded 409)
SQLITE_BUSY_TIMEOUT_MS = 15000

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
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
