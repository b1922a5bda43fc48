"""The HTTP door of the engine answers with the same bytes as the Python and CLI doors."""
import json
import os

import pytest
from click.testing import CliRunner

from app.rules import InputError, dumps, error_json, evaluate, load_rules
from app.rules.cli import rules_group
from tests.support import DEMO_PASSWORD_ENV

EXPENDITURE = {
    "county": "370811", "kind": "expenditure", "category": "illness:uremia",
    "application_date": "2025-03-15", "residency": "local_hukou", "area": "urban",
    "household": {"size": 3, "monthly_income": ["900"] * 12, "monthly_necessary_expenses": ["400"] * 6,
                  "financial_assets": "5000", "houses": 1, "vehicles": 0},
    "cost": "30000",
}
EMERGENCY = {
    "county": "370881", "kind": "emergency", "category": "incident:fire", "severity": "light",
    "application_date": "2026-09-30", "residency": "residence_permit", "area": "rural",
    "household": {"size": 2}, "requested_amount": "800",
    "reported_at": "2026-09-30T21:30:00+08:00",
}
BAD = {**EMERGENCY, "severity": "catastrophic"}


@pytest.fixture()
def api(app):
    client = app.test_client()
    token = client.post("/api/v1/security/login", json={
        "username": "township_caseworker_370811", "password": os.environ[DEMO_PASSWORD_ENV],
        "provider": "db"}).get_json()["access_token"]
    return client, {"Authorization": f"Bearer {token}"}


def _python_door(app, data) -> str:
    rules = load_rules(app.config["RULES_DIR"])
    try:
        return dumps(evaluate(data, rules)) + "\n"
    except InputError as exc:
        return dumps(error_json(exc)) + "\n"


@pytest.mark.parametrize("data,status", [(EXPENDITURE, 200), (EMERGENCY, 200), (BAD, 400)],
                         ids=["expenditure", "emergency", "bad input"])
def test_three_doors_agree_byte_for_byte(app, api, data, status):
    client, headers = api
    response = client.post("/api/v1/eligibility/evaluate", data=json.dumps(data), headers=headers,
                           content_type="application/json")
    assert response.status_code == status
    cli = CliRunner().invoke(rules_group, ["evaluate", "--rules", app.config["RULES_DIR"], "-"],
                             input=json.dumps(data))
    assert cli.exit_code == (0 if status == 200 else 2)
    assert response.get_data(as_text=True) == cli.output == _python_door(app, data)


def test_verdict_has_its_parts(api):
    client, headers = api
    verdict = client.post("/api/v1/eligibility/evaluate", json=EXPENDITURE, headers=headers).get_json()
    assert [c["name"] for c in verdict["checks"]] == [
        "residency", "net_income", "income", "financial_assets", "houses", "vehicles"]
    assert verdict["eligible"] is True and verdict["approval_level"] in ("township", "county")
    assert isinstance(verdict["amount"]["maximum"], str)


def test_bad_input_names_the_field(api):
    client, headers = api
    body = client.post("/api/v1/eligibility/evaluate", json=BAD, headers=headers).get_json()
    assert body["error"]["field"] == "severity"
    broken = client.post("/api/v1/eligibility/evaluate", data="{not json", headers=headers,
                         content_type="application/json")
    assert broken.status_code == 400 and "error" in broken.get_json()


def test_needs_a_logged_in_user(app):
    assert app.test_client().post("/api/v1/eligibility/evaluate", json=EXPENDITURE).status_code == 401


def test_roles_without_the_permission_are_refused(app):
    client = app.test_client()
    token = client.post("/api/v1/security/login", json={
        "username": "grid_worker_370811", "password": os.environ[DEMO_PASSWORD_ENV],
        "provider": "db"}).get_json()["access_token"]
    response = client.post("/api/v1/eligibility/evaluate", json=EXPENDITURE,
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
