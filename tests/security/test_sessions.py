"""A session ends on the server: a cookie copied before logout, a password change or deactivation no
longer opens anything afterwards (the probe reused one after ``/logout/``)."""
from __future__ import annotations

import os

from tests.conftest import CSRF_RE
from tests.support import DEMO_PASSWORD_ENV

CASEWORKER = "township_caseworker_370811"
PAGE, API = "/householdview/list/", "/api/v1/household/"


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value, domain="localhost")
    return thief


def logged_in(client) -> bool:
    page, api = client.get(PAGE), client.get(API)
    assert (page.status_code == 200) == (api.status_code == 200), (page.status_code, api.status_code)
    return page.status_code == 200


def test_a_cookie_copied_before_logout_is_dead_after_it(app, login_as):
    client = login_as(CASEWORKER)
    thief = copy_of(app, client)
    assert logged_in(thief)
    assert client.get("/logout/").status_code == 302
    assert not logged_in(thief)
    assert thief.get(PAGE).status_code == 302 and "/login/" in thief.get(PAGE).headers["Location"]
    assert thief.get(API).status_code == 401
    assert not logged_in(client)


def test_logging_in_again_works_and_old_copies_stay_dead(app, login_as):
    first = login_as(CASEWORKER)
    thief = copy_of(app, first)
    first.get("/logout/")
    again = login_as(CASEWORKER)
    assert logged_in(again) and not logged_in(thief)


def _post_form(client, url: str, data: dict):
    token = CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token})


def test_a_new_password_ends_the_other_sessions_but_not_the_one_that_set_it(app, login_as):
    admin = login_as("admin")
    thief = copy_of(app, admin)
    changed = _post_form(admin, "/resetmypassword/form", {"password": "Neu-Passwort-2026", "conf_password":
                                                          "Neu-Passwort-2026"})
    assert changed.status_code == 302, changed.get_data(as_text=True)
    assert not logged_in(thief)
    assert logged_in(admin)


def test_a_password_reset_by_the_administrator_ends_the_users_sessions(app, login_as):
    victim = login_as(CASEWORKER)
    user = app.appbuilder.sm.find_user(username=CASEWORKER)
    admin = login_as("admin")
    reset = _post_form(admin, f"/resetpassword/form?pk={user.id}", {"password": "Neu-Passwort-2026",
                                                                    "conf_password": "Neu-Passwort-2026"})
    assert reset.status_code == 302, reset.get_data(as_text=True)
    assert not logged_in(victim)
    assert logged_in(admin)


def test_deactivation_ends_the_users_sessions_for_good(app, session, login_as):
    victim = login_as(CASEWORKER)
    sm = app.appbuilder.sm
    user = sm.find_user(username=CASEWORKER)
    user.active = False
    sm.update_user(user)
    assert not logged_in(victim)
    user = sm.find_user(username=CASEWORKER)
    user.active = True
    sm.update_user(user)
    assert not logged_in(victim)  # reactivated: a new login, not the old cookie
    assert logged_in(login_as(CASEWORKER))


def test_api_tokens_end_with_the_sessions(app, login_as):
    """A token (and its refresh token) issued before a logout, a new password or deactivation is refused."""
    client = app.test_client()
    login = client.post("/api/v1/security/login", json={
        "username": CASEWORKER, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db", "refresh": True})
    tokens = login.get_json()
    access = {"Authorization": f"Bearer {tokens['access_token']}"}
    refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    assert client.get(API, headers=access).status_code == 200
    assert client.post("/api/v1/security/refresh", headers=refresh).status_code == 200
    login_as(CASEWORKER).get("/logout/")
    assert client.get(API, headers=access).status_code == 401
    assert client.post("/api/v1/security/refresh", headers=refresh).status_code == 401


def test_a_cookie_from_before_the_generations_has_to_log_in_again(app, login_as):
    client = login_as(CASEWORKER)
    with client.session_transaction() as sess:
        sess.pop("_tempaid_generation")
    assert not logged_in(client)
