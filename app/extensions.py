"""Flask extensions, created unbound and initialised by the app factory."""
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    """SQLite: enforce foreign keys, and let SQLAlchemy emit BEGIN itself.

    pysqlite's own transaction handling breaks SAVEPOINT (SQLAlchemy documents this); with it off,
    nested transactions behave as on PostgreSQL.
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
