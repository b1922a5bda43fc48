"""What a county IT office audits: hashed passwords, rate limiting, CSRF, cookies, JWT, lock-out,
no default administrator outside demo mode, and a record of every login."""
import os

from sqlalchemy import select

from app.models import Household, LoginEvent, Region
from tests.conftest import CSRF_RE, login
from tests.support import DEMO_PASSWORD_ENV

USER = "township_caseworker_370811"


def test_passwords_are_hashed(app, session):
    user = app.appbuilder.sm.find_user(username=USER)
    assert user.password != os.environ[DEMO_PASSWORD_ENV]
    assert user.password.startswith("scrypt:")


def test_every_login_is_recorded(app, session):
    login(app.test_client(), USER, os.environ[DEMO_PASSWORD_ENV])
    login(app.test_client(), USER, "wrong")
    login(app.test_client(), "nobody", "wrong")
    events = session.scalars(select(LoginEvent).order_by(LoginEvent.id)).all()[-3:]
    assert [(e.username, e.success, e.reason) for e in events] == [
        (USER, True, "ok"), (USER, False, "bad_password"), ("nobody", False, "unknown_user")]
    assert events[0].user_id == app.appbuilder.sm.find_user(username=USER).id
    from app.extensions import db

    if db.engine.dialect.name == "postgresql":
        assert events[0].at.tzinfo is not None


def test_lockout_after_repeated_failures(app, session):
    attempts = app.config["AUTH_LOCKOUT_ATTEMPTS"]
    for _ in range(attempts):
        login(app.test_client(), USER, "wrong")
    client = app.test_client()
    login(client, USER, os.environ[DEMO_PASSWORD_ENV])
    assert client.get("/householdview/list/").status_code == 302  # the right password is refused too
    last = session.scalars(select(LoginEvent).order_by(LoginEvent.id.desc())).first()
    assert (last.username, last.reason) == (USER, "locked")
    other = app.test_client()
    login(other, "township_caseworker_370881", os.environ[DEMO_PASSWORD_ENV])
    assert other.get("/householdview/list/").status_code == 200  # only that name is locked


def test_login_form_requires_csrf(app):
    client = app.test_client()
    client.get("/login/")
    client.post("/login/", data={"username": USER, "password": os.environ[DEMO_PASSWORD_ENV]})
    assert client.get("/householdview/list/").status_code == 302


def test_get_never_deletes(app, session, login_as):
    town = session.scalar(select(Region).where(Region.code == "370811005"))
    row = Household(id_number="37081119800101001X", head_name="甲", township=town, county=town.parent,
                    area="urban", residency="local_hukou", size=1)
    session.add(row)
    session.commit()
    admin = login_as("admin")
    admin.get(f"/householdview/delete/{row.id}")
    assert session.get(Household, row.id) is not None


def test_session_cookie_is_httponly_and_samesite(app):
    client = app.test_client()
    response = login(client, USER, os.environ[DEMO_PASSWORD_ENV])
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_api_needs_a_jwt(app):
    client = app.test_client()
    assert client.get("/api/v1/household/").status_code == 401
    token = client.post("/api/v1/security/login", json={
        "username": USER, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db"}).get_json()
    assert client.get("/api/v1/household/", headers={
        "Authorization": f"Bearer {token['access_token']}"}).status_code == 200
    assert client.get("/api/v1/household/", headers={"Authorization": "Bearer forged"}).status_code in (401, 422)


def test_no_default_admin_outside_demo_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    from flask_migrate import upgrade

    from app import create_app
    from app.security.sync import sync_security

    fresh = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}", "DEMO_MODE": False})
    with fresh.app_context():
        upgrade(revision="heads")
        sync_security()
        assert fresh.appbuilder.sm.count_users() == 0
        assert fresh.appbuilder.sm.find_role("Admin") is not None


def test_login_is_rate_limited(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    from flask_migrate import upgrade

    from app import create_app

    limited = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rl.db'}",
                          "RATELIMIT_ENABLED": True, "AUTH_RATE_LIMIT": "3 per minute"})
    with limited.app_context():
        upgrade(revision="heads")
    client = limited.test_client()
    token = CSRF_RE.search(client.get("/login/").get_data(as_text=True)).group(1)
    codes = [client.post("/login/", data={"username": "x", "password": "y", "csrf_token": token}).status_code
             for _ in range(5)]
    assert 429 in codes and codes[0] != 429


def test_lockout_holds_for_every_spelling_and_the_email(app, session):
    for _ in range(app.config["AUTH_LOCKOUT_ATTEMPTS"]):
        login(app.test_client(), USER, "wrong")
    for name in (USER.upper(), f"{USER}@tempaid.invalid"):
        response = app.test_client().post("/api/v1/security/login", json={
            "username": name, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db"})
        assert response.status_code == 401, name


def test_locked_attempts_do_not_extend_the_lock(app, session):
    from app.models.audit import utcnow

    for _ in range(app.config["AUTH_LOCKOUT_ATTEMPTS"] - 1):
        login(app.test_client(), USER, "wrong")
    for _ in range(10):
        session.add(LoginEvent(username=USER, success=False, reason="locked", at=utcnow()))
    session.commit()
    client = app.test_client()
    login(client, USER, os.environ[DEMO_PASSWORD_ENV])
    assert client.get("/householdview/list/").status_code == 200


def test_api_login_is_rate_limited(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    from flask_migrate import upgrade

    from app import create_app

    limited = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rl2.db'}",
                          "RATELIMIT_ENABLED": True, "AUTH_RATE_LIMIT": "3 per minute"})
    with limited.app_context():
        upgrade(revision="heads")
    client = limited.test_client()
    codes = [client.post("/api/v1/security/login", json={"username": "x", "password": "y", "provider": "db"}).status_code
             for _ in range(5)]
    assert codes[0] == 401 and codes[-1] == 429
