"""The browser suite's fixtures: one Chromium and one live server per session, a fresh context per test.

Why a live server: what #16 found (a form that cannot be saved, a button shown to the wrong person,
a page that reads like a debugger) is only seen in a real browser against the real app. The server is
:func:`app.create_app` on a database of its own filled with the demo data (``app.services.demo``),
served by werkzeug in a thread on 127.0.0.1 and a free port. It commits for real, so it never shares
the rolled-back database of the other tests: on SQLite it has its own file, on PostgreSQL
(``TEST_DATABASE_URL``) its own schema ``browser`` in the same database.

Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``), driven by Playwright; Playwright's own
browser download does not work here. Without a Chromium the suite is skipped with the reason, except in
CI (``CI=true``), where a missing browser is a failure.

A failing test leaves a screenshot of its page under ``$BROWSER_ARTEFACTS`` (default
``test-artefacts/browser/``) and prints its path, the page's URL and its text in the failure report.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from tests.browser.user import BrowserUser

PROJECT = Path(__file__).resolve().parents[2]
ARTEFACTS = Path(os.environ.get("BROWSER_ARTEFACTS") or PROJECT / "test-artefacts" / "browser")
BROWSER_SCHEMA = "browser"


def _chromium() -> str | None:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


def _unavailable(reason: str):
    """In CI a missing browser fails the suite; on a developer's machine it only skips it."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser suite cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[test]')")
    executable = _chromium()
    if executable is None:
        _unavailable(f"no Chromium at {os.environ.get('CHROMIUM') or '/usr/bin/chromium'} "
                     "(apt-get install chromium, or set CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield chromium
        chromium.close()


def _browser_database(tmp_path_factory) -> str:
    """A database only the live server uses: a SQLite file, or a fresh schema in the PostgreSQL test
    database (the other tests keep ``public``)."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.db'}"
    from sqlalchemy import create_engine, text

    url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {BROWSER_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {BROWSER_SCHEMA}"))
    engine.dispose()
    return url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{BROWSER_SCHEMA}"


class LiveServer:
    """The running app: its base URL, the demo logins and the app itself (for arranging data)."""

    def __init__(self, app, base_url: str, logins: dict[str, str]):
        self.app, self.base_url, self.logins = app, base_url, logins

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from app import create_app
    from app.security.sync import sync_security
    from app.services.demo import seed_demo

    instance = tmp_path_factory.mktemp("browser-instance")
    rules_dir = tmp_path_factory.mktemp("browser-rules") / "rules"
    shutil.copytree(PROJECT / "rules", rules_dir)  # the rule editor's test saves into it
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TEMPAID_INSTANCE", str(instance))
        env.setenv("TEMPAID_DEMO", "1")
        env.setenv("RULES_DIR", str(rules_dir))
        env.delenv("DATABASE_URL", raising=False)
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": _browser_database(tmp_path_factory),
            "INSTANCE_DIR": str(instance),
            "RULES_DIR": str(rules_dir),
            "DEMO_MODE": True,
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,  # every test logs in
        })
    with app.app_context():
        upgrade(revision="heads")
        sync_security()
        logins = {entry["username"]: entry["password"] for entry in seed_demo()}
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the log
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", logins)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()


@pytest.fixture()
def open_as(request, browser, live_server):
    """``open_as("township_caseworker_370811")`` → a :class:`BrowserUser` logged in as that demo user in
    a fresh browser context of its own (no cookie or language of another test or user leaks in)."""
    users: list[BrowserUser] = []
    request.node.browser_users = users

    def _open(username: str, language: str = "zh") -> BrowserUser:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        user = BrowserUser(context.new_page(), live_server, username)
        users.append(user)
        user.login(language)
        return user

    yield _open
    for user in users:
        user.page.context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser step leaves a screenshot, its URL and its text in the log (CI keeps the folder)."""
    outcome = yield
    report = outcome.get_result()
    users = getattr(item, "browser_users", None)
    if not users or report.when != "call" or not report.failed:
        return
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
    lines = []
    for number, user in enumerate(users):
        path = ARTEFACTS / f"{name}-{number}-{user.username}.png"
        try:
            user.page.screenshot(path=str(path), full_page=True)
            text = user.page.inner_text("body")
        except Exception as exc:  # the page may be gone; the report still says what is known
            lines.append(f"{user.username}: no screenshot ({exc})")
            continue
        lines.append(f"screenshot: {path}\nuser: {user.username}\nurl: {user.page.url}\ntext:\n{text}\n")
    report.sections.append(("browser", "\n".join(lines)))
    print("\n".join(line.split("\ntext:", 1)[0] for line in lines))
