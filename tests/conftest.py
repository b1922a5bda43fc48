"""Shared fixtures: the app on a migrated database, a rolled-back transaction per test, and a
logged-in client per declared role.

The database is ``TEST_DATABASE_URL`` when set (PostgreSQL in CI), else a temporary SQLite file.
Reference data (regions, roles, one user per role) is written once per session; each test runs in a
transaction that is rolled back, so every test starts from the same clean state.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from tests.support import DEMO_PASSWORD_ENV, migrated_app

os.environ.setdefault("SESSION_COOKIE_SECURE", "0")  # the test client speaks plain HTTP

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _reset_database(url: str) -> None:
    """Drop every table of a reused PostgreSQL test database so the migrations start from nothing."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
        _reset_database(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _fresh_request_globals() -> None:
    """Tests hold an app context open, which Flask reuses for every request they make; clear the
    request's globals (the logged-in user flask-login caches on ``g``) so requests stay independent."""
    from flask import g

    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["TEMPAID_INSTANCE"] = str(tmp_path_factory.mktemp("instance"))
    application = migrated_app({
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "localhost",
        # each test holds one connection in a transaction it rolls back; a second connection (a test's own
        # engine) must still read, so the suite's app begins SQLite transactions deferred
        "SQLITE_BEGIN_IMMEDIATE": False,
    })
    application.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    yield application


@pytest.fixture(autouse=True)
def _transaction(request, monkeypatch):
    """Run each test inside a transaction rolled back at its end (``@pytest.mark.commits`` opts out).

    The session is bound to one connection whose outer transaction is never committed; the code's own
    commits become savepoints (``join_transaction_mode="create_savepoint"``).
    """
    if "app" not in request.fixturenames or request.node.get_closest_marker("commits"):
        yield
        return
    from flask_sqlalchemy.session import Session

    from app.extensions import db

    app = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        connection.name = connection.dialect.name  # FAB asks get_bind().name, an Engine attribute
        outer = connection.begin()
        monkeypatch.setattr(Session, "get_bind", lambda self, *args, **kwargs: connection)
        db.session.remove()
        db.session.session_factory.kw["join_transaction_mode"] = "create_savepoint"
        try:
            yield
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            db.session.session_factory.kw.pop("join_transaction_mode", None)


@pytest.fixture()
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture()
def session(ctx):
    return ctx.appbuilder.session


@dataclass
class LoggedIn:
    client: object
    username: str

    def __getattr__(self, name):
        return getattr(self.client, name)


def login(client, username: str, password: str):
    page = client.get("/login/")
    token = CSRF_RE.search(page.get_data(as_text=True)).group(1)
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture()
def login_as(app):
    """``login_as("township_caseworker_370811")`` → a test client logged in as that user."""

    def _login(username: str):
        client = app.test_client()
        response = login(client, username, os.environ[DEMO_PASSWORD_ENV])
        assert response.status_code == 302, f"login of {username} failed"
        return client

    return _login


def _declared_roles():
    from app.security.roles import load_roles

    return load_roles()


@pytest.fixture(params=sorted(_declared_roles()))
def role_client(request, login_as):
    """One test per declared role: ``(RoleSpec, client logged in as that role's user in 任城区)``."""
    from app.services.users import username_for

    spec = _declared_roles()[request.param]
    return spec, login_as(username_for(spec.key, spec.scope, "370811"))


def pytest_terminal_summary(terminalreporter, config):
    import sys

    seed = getattr(config.option, "randomly_seed", None)
    if seed is not None and config.pluginmanager.has_plugin("randomly"):
        # the header that names it is hidden by -q (CI): a failing order must be repeatable
        terminalreporter.write_line(f"order: shuffled, repeat it with pytest --randomly-seed={seed}")
    matrix = sys.modules.get("tests.security.test_matrix")
    if matrix is not None and matrix.TRIED[0]:
        files = [sys.modules.get(f"tests.security.test_matrix{suffix}") for suffix in ("", "_finance", "_charity", "_access")]
        files = [module.__name__.rsplit(".", 1)[1] for module in files if module is not None]
        terminalreporter.write_line(
            f"access matrix: {matrix.TRIED[0]} combinations tried over {len(matrix.ROLES)} roles "
            f"({', '.join(files)}; UI and API)")


def csrf_token(app, client) -> str:
    """A valid CSRF token for a logged-in client, as Flask-WTF would put in a form it renders."""
    from itsdangerous import URLSafeTimedSerializer

    with client.session_transaction() as sess:
        raw = sess["csrf_token"]
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)


@pytest.fixture()
def rules(app):
    from app.rules import load_rules

    return load_rules(app.config["RULES_DIR"])
