"""The case REST API: intake, transitions, trail — the same services as the screens."""
import os

import pytest

from tests.services.test_workflow import CASES
from tests.support import DEMO_PASSWORD_ENV, make_household


def bearer(app, username):
    token = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db"}).get_json()
    return {"Authorization": f"Bearer {token['access_token']}"}


@pytest.fixture()
def household(session):
    row = make_household(session, "370811")
    session.commit()
    return row


def test_expenditure_case_through_the_api(app, household):
    client = app.test_client()
    caseworker, approver = bearer(app, "township_caseworker_370811"), bearer(app, "township_approver_370811")
    preview = client.post("/api/v1/case/preview", json={"household_id": household.id, "figures": CASES[0]["figures"]},
                          headers=caseworker)
    assert preview.status_code == 200 and preview.get_json()["eligible"] is True
    created = client.post("/api/v1/case/intake", json={"household_id": household.id, "figures": CASES[0]["figures"]},
                          headers=caseworker)
    assert created.status_code == 201, created.get_data(as_text=True)
    case_id = created.get_json()["id"]
    twin = client.post("/api/v1/case/intake", json={"household_id": household.id, "figures": CASES[0]["figures"]},
                       headers=caseworker)
    assert twin.status_code == 400 and twin.get_json()["error"]["code"] == "open_case_exists"
    for name, who, body in (("accept", caseworker, {}), ("investigate", caseworker, {"note": "调查"}),
                            ("review", approver, {"note": "审核"})):
        response = client.post(f"/api/v1/case/{case_id}/transition/{name}", json=body, headers=who)
        assert response.status_code == 200, response.get_data(as_text=True)
    refused = client.post(f"/api/v1/case/{case_id}/transition/approve", json={"amount": "99999"}, headers=approver)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "above_maximum"
    done = client.post(f"/api/v1/case/{case_id}/transition/approve", json={"amount": "2000"}, headers=approver)
    assert done.get_json()["state"] == "approved" and done.get_json()["approved_amount"] == "2000.00"
    shown = client.get(f"/api/v1/case/{case_id}", headers=caseworker).get_json()["result"]
    assert shown["state"] == "approved" and shown["verdict"]["eligible"] is True
    trail = client.get(f"/api/v1/case/{case_id}/trail", headers=bearer(app, "supervisor_370811")).get_json()
    assert [e["action"] for e in trail["result"]] == ["intake", "accept", "investigate", "review", "approve"]


def test_emergency_case_through_the_api(app, household):
    client = app.test_client()
    # dated before the 2026 opinion (2026-01-29): a light emergency then was pre-assisted, then registered
    fire = {"kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-01-20",
            "reported_at": "2026-01-20T21:30:00+08:00", "requested_amount": "800"}
    caseworker, approver = bearer(app, "township_caseworker_370811"), bearer(app, "township_approver_370811")
    case_id = client.post("/api/v1/case/intake", json={"household_id": household.id, "figures": fire},
                          headers=caseworker).get_json()["id"]
    assert client.post(f"/api/v1/case/{case_id}/transition/pre_assist", json={"amount": "800", "date": "2026-01-20"},
                       headers=approver).get_json()["state"] == "pre_assisted"
    refused = client.post(f"/api/v1/case/{case_id}/transition/register", json={"note": "补齐手续"}, headers=approver)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "not_by"  # who pre-assisted does not register
    assert client.post(f"/api/v1/case/{case_id}/transition/register", json={"note": "补齐手续"},
                       headers=bearer(app, "county_approver_370811")).get_json()["state"] == "registered"
    shown = client.get(f"/api/v1/case/{case_id}", headers=caseworker).get_json()["result"]
    assert shown["deadlines"]["registration_due"]["due"] == "2026-01-27"
    assert shown["deadlines"]["pre_assist_due"]["met"] is not None


def test_other_county_sees_nothing(app, household):
    client = app.test_client()
    created = client.post("/api/v1/case/intake", json={"household_id": household.id, "figures": CASES[0]["figures"]},
                          headers=bearer(app, "township_caseworker_370811"))
    case_id = created.get_json()["id"]
    stranger = bearer(app, "county_approver_370881")
    assert client.get(f"/api/v1/case/{case_id}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/case/{case_id}/transition/accept", json={}, headers=stranger).status_code == 404
    assert client.get(f"/api/v1/case/{case_id}/trail", headers=stranger).status_code == 404
    outsider = client.post("/api/v1/case/intake", json={"household_id": household.id, "figures": CASES[0]["figures"]},
                           headers=bearer(app, "township_caseworker_370881"))
    assert outsider.status_code == 404


def test_openapi_documents_the_case_endpoints(app):
    spec = app.test_client().get("/api/v1/_openapi", headers=bearer(app, "admin")).get_json()
    paths = spec["paths"]
    for path in ("/api/v1/case/intake", "/api/v1/case/{pk}/transition/{name}", "/api/v1/case/{pk}/trail",
                 "/api/v1/eligibility/evaluate"):
        assert path in paths
