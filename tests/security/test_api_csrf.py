"""CSRF through the API: a state-changing call carried by the browser session needs the page's token and
our own origin; a bearer-token call does not (another site cannot add one)."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from app.models import Household
from tests.api.test_cases import bearer
from tests.charity_support import make_case
from tests.conftest import CSRF_RE
from tests.security.test_matrix import valid_id

CASEWORKER = "township_caseworker_370811"
EVIL = "https://evil.example"


@pytest.fixture()
def case(app, session, rules):
    case = make_case(app, session, rules, approved=False)
    session.commit()
    return case


def _state(session, case) -> str:
    session.expire_all()
    return session.get(type(case), case.id).state


def _page_token(client) -> str:
    """The token our own pages carry (any form of ours: here the household form)."""
    page = client.get("/householdview/add").get_data(as_text=True)
    return CSRF_RE.search(page).group(1)


def _households(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Household))


def _new_household(app, session) -> dict:
    town = app.appbuilder.sm.find_user(username=CASEWORKER).region
    return {"head_name": "跨站户", "id_number": valid_id("37081119850505001"), "township": town.id,
            "area": "urban", "residency": "local_hukou", "size": 2}


def test_a_cross_site_text_plain_post_does_not_move_a_case(app, session, login_as, case):
    client = login_as(CASEWORKER)
    before = _state(session, case)
    forged = client.post(f"/api/v1/case/{case.id}/transition/accept", data="{}",
                         headers={"Content-Type": "text/plain", "Origin": EVIL})
    assert forged.status_code == 403 and forged.get_json()["error"]["code"] == "foreign_origin"
    # a browser that sends no Origin: the missing token still refuses it
    tokenless = client.post(f"/api/v1/case/{case.id}/transition/accept", data="{}",
                            headers={"Content-Type": "text/plain"})
    assert tokenless.status_code == 403 and tokenless.get_json()["error"]["code"] == "csrf_token"
    assert _state(session, case) == before


def test_a_foreign_origin_cannot_create_a_household_even_with_the_token(app, session, login_as):
    client = login_as(CASEWORKER)
    count = _households(session)
    token = _page_token(client)
    for headers in ({"Origin": EVIL}, {"Origin": EVIL, "X-CSRFToken": token},
                    {"Referer": EVIL + "/page", "X-CSRFToken": token}, {"Origin": "null", "X-CSRFToken": token}):
        refused = client.post("/api/v1/household/", json=_new_household(app, session), headers=headers)
        assert refused.status_code == 403, headers
    assert _households(session) == count


def test_our_own_page_with_its_token_works(app, session, login_as, case):
    client = login_as(CASEWORKER)
    token = _page_token(client)
    same = {"Origin": "http://localhost", "X-CSRFToken": token}
    created = client.post("/api/v1/household/", json=_new_household(app, session), headers=same)
    assert created.status_code == 201, created.get_data(as_text=True)
    accepted = client.post(f"/api/v1/case/{case.id}/transition/accept", json={}, headers=same)
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    assert _state(session, case) == "accepted"
    wrong = client.post("/api/v1/household/", json=_new_household(app, session),
                        headers={"X-CSRFToken": token[:-2] + "xx"})
    assert wrong.status_code == 403


def test_bearer_tokens_are_unaffected(app, session, case):
    client = app.test_client()  # no session cookie at all
    auth = bearer(app, CASEWORKER)
    created = client.post("/api/v1/household/", data=json.dumps(_new_household(app, session)),
                          headers={**auth, "Content-Type": "application/json", "Origin": EVIL})
    assert created.status_code == 201, created.get_data(as_text=True)
    accepted = client.post(f"/api/v1/case/{case.id}/transition/accept", json={}, headers=auth)
    assert accepted.status_code == 200 and _state(session, case) == "accepted"


def test_reading_needs_no_token(login_as, case):
    client = login_as(CASEWORKER)
    assert client.get(f"/api/v1/case/{case.id}", headers={"Origin": EVIL}).status_code == 200


def test_the_swagger_page_sends_the_token_it_was_given(app, login_as):
    """Our one page whose script calls the API with the session: its "Try it out" carries the token."""
    client = login_as("admin")
    page = client.get("/swagger/v1").get_data(as_text=True)
    sent = re.search(r'request\.headers\["X-CSRFToken"\] = "([^"]+)"', page).group(1)
    household = _new_household(app, None)
    created = client.post("/api/v1/household/", json=household, headers={"X-CSRFToken": sent})
    assert created.status_code == 201, created.get_data(as_text=True)
