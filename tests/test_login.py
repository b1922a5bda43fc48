"""Every declared role can log in and reaches the home page; a wrong password does not."""
from tests.conftest import login


def test_each_role_logs_in(role_client):
    spec, client = role_client
    page = client.get("/")
    assert page.status_code == 200
    assert spec.name_zh in page.get_data(as_text=True)


def test_wrong_password_is_refused(app):
    client = app.test_client()
    login(client, "township_caseworker_370811", "not-the-password")
    assert client.get("/householdview/list/").status_code == 302


def test_anonymous_is_sent_to_login(app):
    response = app.test_client().get("/householdview/list/")
    assert response.status_code == 302 and "/login/" in response.headers["Location"]
