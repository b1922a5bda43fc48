"""Security headers on every page and API answer; nothing with personal data is kept in a cache."""
from __future__ import annotations

import re

import pytest

from tests.api.test_cases import bearer

ALWAYS = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def _policy(response) -> dict[str, str]:
    directives = [d.strip().split(" ", 1) for d in response.headers["Content-Security-Policy"].split(";")]
    return {name: value for name, value in directives}


def _answers(app, login_as):
    client = login_as("township_caseworker_370811")
    auth = bearer(app, "township_caseworker_370811")
    anonymous = app.test_client()
    return {
        "login page": (anonymous.get("/login/"), False),
        "list": (client.get("/householdview/list/"), True),
        "intake": (client.get("/intake/"), True),
        "api list": (anonymous.get("/api/v1/household/", headers=auth), True),
        "api refusal": (anonymous.get("/api/v1/household/"), True),
        "not found": (client.get("/no-such-page/"), True),
        "static": (anonymous.get("/static/appbuilder/css/ab.css"), False),
    }


def test_every_answer_carries_the_security_headers(app, login_as):
    for name, (response, personal) in _answers(app, login_as).items():
        for header, value in ALWAYS.items():
            assert response.headers.get(header) == value, (name, header)
        policy = _policy(response)
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", name
        assert policy["default-src"] == "'self'" and "http" not in policy["script-src"], name
        assert "unsafe-eval" not in response.headers["Content-Security-Policy"], name
        assert response.headers.get("Strict-Transport-Security", "").startswith("max-age="), name
        if personal:
            assert response.headers.get("Cache-Control") == "no-store", name


def test_scripts_run_only_with_the_answers_nonce(login_as):
    client = login_as("township_caseworker_370811")
    nonces = []
    for _ in range(2):
        response = client.get("/householdview/list/")
        script_src = _policy(response)["script-src"]
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        nonce = script_src.split("'nonce-")[1].split("'")[0]
        page = response.get_data(as_text=True)
        tags = re.findall(r"<script[^>]*>", page)
        assert tags and all(f'nonce="{nonce}"' in tag for tag in tags), tags
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_static_files_stay_cacheable(app):
    response = app.test_client().get("/static/appbuilder/css/ab.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get("Cache-Control", "")


def test_no_hsts_in_demo_mode(app, monkeypatch):
    """The demo serves plain http://127.0.0.1: a browser told HSTS there would refuse to open it."""
    monkeypatch.setitem(app.config, "DEMO_MODE", True)
    response = app.test_client().get("/login/")
    assert "Strict-Transport-Security" not in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url", ["/householdview/show/0", "/api/v1/case/0"])
def test_refusals_are_not_cached_either(app, login_as, url):
    response = login_as("township_caseworker_370811").get(url)
    assert response.status_code == 404 and response.headers["Cache-Control"] == "no-store"
