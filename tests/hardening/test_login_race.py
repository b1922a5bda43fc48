"""Issue #9 of the tour: twenty people signing in at once on the SQLite demo server. Every request's
transaction holds SQLite's write lock from its first query (BEGIN IMMEDIATE); a sign-in held it while the
password hash was computed (scrypt: about a second on a loaded machine), so a crowd queued past the busy
timeout and the last ones read "not saved". The hash is now checked with no transaction open: all sign in."""
from __future__ import annotations

import os
import threading
import time
from collections import Counter

import pytest

from tests.support import DEMO_PASSWORD_ENV, migrated_app

PEOPLE = 10
#: each check made slow enough that ten in a row outlast the busy timeout below
HASHING = 0.4
BUSY_MS = 1500


@pytest.fixture()
def slow_hashing_demo(tmp_path, monkeypatch):
    import flask_appbuilder.security.manager as fab_manager

    import app.extensions as extensions
    import app.security.manager as manager
    from app.extensions import db

    monkeypatch.setattr(extensions, "SQLITE_BUSY_TIMEOUT_MS", BUSY_MS)
    held = []
    real = fab_manager.check_password_hash

    def slow(stored, password):
        held.append(db.session().in_transaction())
        time.sleep(HASHING)
        return real(stored, password)

    monkeypatch.setattr(manager, "check_password_hash", slow, raising=False)
    monkeypatch.setattr(fab_manager, "check_password_hash", slow)
    application = migrated_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'demo.db'}", "TESTING": True,
                                "RATELIMIT_ENABLED": False, "PROPAGATE_EXCEPTIONS": False})
    return application, held


def test_a_crowd_signs_in_at_once(slow_hashing_demo):
    app, held = slow_hashing_demo
    names = [f"{role}_{county}" for county in ("370811", "370881")
             for role in ("township_caseworker", "township_approver", "county_reviewer", "county_approver",
                          "finance_officer")][:PEOPLE]
    start, statuses = threading.Barrier(len(names)), Counter()

    def sign_in(name):
        client = app.test_client()
        start.wait()
        answer = client.post("/api/v1/security/login", json={
            "username": name, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db"})
        statuses[answer.status_code] += 1

    threads = [threading.Thread(target=sign_in, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == Counter({200: len(names)})
    assert held and not any(held)  # no password was hashed while a transaction (and its lock) was open
