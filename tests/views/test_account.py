"""Every user sees their own profile and changes their own password — with the old one, under the
project's password rules — and nobody reaches another user's password."""
from __future__ import annotations

import os

import pytest

from tests.conftest import csrf_token, login
from tests.support import DEMO_PASSWORD_ENV

NEW = "Tempaid2026ok"


def _change(app, client, old, new, confirm=None):
    return client.post("/account/password", data={"csrf_token": csrf_token(app, client), "old_password": old,
                                                  "new_password": new, "confirm_password": new if confirm is None
                                                  else confirm})


def test_every_role_sees_its_profile_and_the_password_form(role_client):
    spec, client = role_client
    page = client.get("/account/")
    assert page.status_code == 200, spec.key
    text = page.get_data(as_text=True)
    assert spec.name_zh in text, "the role by its name"
    assert 'id="change-password"' in text and 'id="my-account"' in text
    assert client.get("/account/password").status_code == 200
    profile = text.split('id="profile"')[1].split("</table>")[0]
    for raw in ("None", "True", "False"):
        assert raw not in profile, raw
    roles_row = profile.split("</tr>")[2]
    assert spec.name_zh in roles_row and spec.key not in roles_row, roles_row


@pytest.mark.commits
def test_a_user_changes_their_password_with_the_old_one(app, login_as):
    username = "grid_worker_370881"
    old = os.environ[DEMO_PASSWORD_ENV]
    client = login_as(username)
    try:
        response = _change(app, client, old, NEW)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/")
        fresh = app.test_client()
        assert login(fresh, username, old).headers.get("Location", "").startswith("/login/"), "the old one is gone"
        assert login(app.test_client(), username, NEW).status_code == 302
    finally:
        with app.app_context():
            sm = app.appbuilder.sm
            sm.reset_password(sm.find_user(username=username).id, old)


@pytest.mark.parametrize("old_ok, new, confirm, message", [
    (False, NEW, None, "当前密码不正确"),
    (True, NEW, "Tempaid2026ko", "两次输入的新密码不一致"),
    (True, "short1", None, "至少需要"),
    (True, "onlyletterslong", None, "字母和数字"),
    (True, "Supervisor_370811x", None, "登录名"),
])
def test_a_password_that_breaks_a_rule_is_refused_in_chinese(app, login_as, old_ok, new, confirm, message):
    client = login_as("supervisor_370811")
    old = os.environ[DEMO_PASSWORD_ENV] if old_ok else "wrong-password-1"
    response = _change(app, client, old, new, confirm)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert message in text, text[text.find("password-faults"):][:400]
    with app.app_context():
        from werkzeug.security import check_password_hash

        stored = app.appbuilder.sm.find_user(username="supervisor_370811").password
        assert check_password_hash(stored, os.environ[DEMO_PASSWORD_ENV]), "nothing changed"


def test_the_refusal_is_in_english_too(app, login_as):
    client = login_as("supervisor_370811")
    client.get("/lang/en")
    text = _change(app, client, "wrong-password-1", NEW).get_data(as_text=True)
    assert "The current password is not right." in text


def test_nobody_but_the_administrator_reaches_anothers_password(app, role_client, session):
    spec, client = role_client
    other = app.appbuilder.sm.find_user(username="admin")
    for url in (f"/users/action/resetpasswords/{other.id}", f"/resetpassword/form?pk={other.id}",
                f"/users/edit/{other.id}", "/resetmypassword/form", "/users/userinfo/"):
        assert client.get(url).status_code in (302, 403, 404), (spec.key, url)
    response = client.post(f"/resetpassword/form?pk={other.id}",
                           data={"csrf_token": csrf_token(app, client), "password": NEW, "conf_password": NEW})
    assert response.status_code in (302, 403, 404)
    assert not app.appbuilder.sm.auth_user_db("admin", NEW), "the administrator's password is unchanged"


def test_the_account_pages_need_a_login(app):
    client = app.test_client()
    assert client.get("/account/").status_code in (302, 401)
    assert client.post("/account/password", data={}).status_code in (302, 400, 401)
