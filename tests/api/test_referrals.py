"""A referral through the API: refer, pool, claim, aid, close, and the case's aid; masking before the claim."""
from __future__ import annotations

import os

import pytest

from tests.charity_support import charity_staff, make_case, make_project
from tests.support import DEMO_PASSWORD_ENV


def _auth(app, username: str) -> dict:
    response = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db", "refresh": False})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


@pytest.fixture()
def case(app, session, rules):
    case = make_case(app, session, rules)
    session.commit()
    return case


@pytest.fixture()
def project(app, session):
    project = make_project(session, charity_staff(app).charity, "大病救助", "10000", ("illness",), ("370811",))
    session.commit()
    return project


def test_referral_through_the_api(app, session, case, project):
    client = app.test_client()
    household = case.household
    caseworker, charity, other = (_auth(app, u) for u in (
        "township_caseworker_370811", "charity_staff_370811", "charity_staff_370881"))

    created = client.post("/api/v1/referral/refer", headers=caseworker, json={
        "case_id": case.id, "need": "透析费用缺口", "gap_money": "3000", "gap_services": "心理疏导"})
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert (body["state"], body["gap_money"]) == ("open", "3000.00")
    rid = body["id"]
    again = client.post("/api/v1/referral/refer", headers=caseworker, json={"case_id": case.id, "need": "再次",
                                                                           "gap_money": "1"})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "referral_exists"

    # masked in the pool, list and detail
    listed = client.get("/api/v1/referral/", headers=charity).get_json()
    assert listed["ids"] == [rid]
    row = listed["result"][0]["household"]
    assert row["id_number"].startswith("3708****") and row["head_name"] != household.head_name
    shown = client.get(f"/api/v1/referral/{rid}", headers=charity).get_json()["result"]
    assert shown["household"]["phone"] == "139****1234" and shown["household"]["address"] == "******"
    assert shown["gap_money"] == "3000.00"
    assert client.get(f"/api/v1/referral/{rid}", headers=other).status_code == 404
    matches = client.get(f"/api/v1/referral/{rid}/matches", headers=charity).get_json()["result"]
    assert [(m["project_id"], m["category_fit"], m["region_fit"], m["remaining"]) for m in matches] == [
        (project.id, "kind", "county", "10000.00")]

    # claim: whole data from now on, for this charity only
    claimed = client.post(f"/api/v1/referral/{rid}/claim", headers=charity)
    assert claimed.status_code == 200 and claimed.get_json()["state"] == "claimed"
    assert client.post(f"/api/v1/referral/{rid}/claim", headers=other).status_code == 404
    shown = client.get(f"/api/v1/referral/{rid}", headers=charity).get_json()["result"]["household"]
    assert (shown["id_number"], shown["phone"], shown["head_name"], shown["address"]) == (
        household.id_number, "13905371234", household.head_name, "幸福路1号")
    supervisor = client.get(f"/api/v1/referral/{rid}", headers=_auth(app, "supervisor_370811")).get_json()
    assert supervisor["result"]["household"]["id_number"].startswith("3708****")

    # aid, refused beyond the budget, then close
    aid = client.post(f"/api/v1/referral/{rid}/aid", headers=charity, json={
        "project_id": project.id, "kind": "money", "amount": "1200", "description": "医疗费"})
    assert aid.status_code == 200, aid.get_data(as_text=True)
    assert aid.get_json()["aid_record"]["amount"] == "1200.00" and aid.get_json()["project_remaining"] == "8800.00"
    too_much = client.post(f"/api/v1/referral/{rid}/aid", headers=charity, json={
        "project_id": project.id, "kind": "money", "amount": "8800.01"})
    assert too_much.status_code == 400 and too_much.get_json()["error"]["code"] == "budget_exceeded"
    closed = client.post(f"/api/v1/referral/{rid}/close", headers=charity, json={"note": "已资助"})
    assert closed.get_json()["state"] == "closed"

    # aid records: the charity's own
    records = client.get("/api/v1/aidrecord/", headers=charity).get_json()["result"]
    assert [(r["kind"], r["amount"], r["case"]["number"]) for r in records] == [("money", "1200.00", case.number)]
    assert client.get("/api/v1/aidrecord/", headers=other).get_json()["result"] == []

    # back onto the case
    overview = client.get(f"/api/v1/referral/case/{case.id}/aid", headers=caseworker).get_json()
    assert overview["totals"] == {"government": "1800.00", "charity_money": "1200.00", "charity_in_kind": "0.00",
                                  "all": "3000.00"}
    assert [(r["charity"], r["project"], r["amount"]) for r in overview["charity"]] == [
        (project.charity.name, "大病救助", "1200.00")]
    assert client.get(f"/api/v1/referral/case/{case.id}/aid", headers=charity).status_code == 404


def test_permissions_follow_the_roles(app, session, case, project):
    client = app.test_client()
    charity = _auth(app, "charity_staff_370811")
    refused = client.post("/api/v1/referral/refer", headers=charity, json={"case_id": case.id, "need": "x",
                                                                          "gap_money": "1"})
    assert refused.status_code in (401, 403)
    created = client.post("/api/v1/referral/refer", headers=_auth(app, "county_reviewer_370811"), json={
        "case_id": case.id, "need": "缺口", "gap_goods": "棉被"})
    rid = created.get_json()["id"]
    assert client.post(f"/api/v1/referral/{rid}/claim",
                       headers=_auth(app, "county_reviewer_370811")).status_code in (401, 403)
    assert client.post("/api/v1/referral/refer", headers=_auth(app, "township_caseworker_370881"), json={
        "case_id": case.id, "need": "x", "gap_money": "1"}).status_code == 404
