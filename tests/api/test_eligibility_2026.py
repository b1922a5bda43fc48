"""The three doors agree to the byte on verdicts of the 2026 opinion too: 小额快救 with quick_due, waived
checks of a recognised household, the notes in order, and the new input errors."""
import json

import pytest
from click.testing import CliRunner

from app.rules.cli import rules_group

from .test_eligibility import _python_door, api  # noqa: F401  (fixture)

QUICK = {
    "county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
    "application_date": "2026-03-15", "residency": "none", "area": "rural", "household": {"size": 2},
    "requested_amount": "1000", "reported_at": "2026-03-15T17:30:00+00:00",
}
RECOGNISED = {
    "county": "370830", "kind": "expenditure", "category": "illness:uremia", "application_date": "2026-03-15",
    "residency": "local_hukou", "area": "urban",
    "household": {"size": 2, "monthly_income": ["6000"] * 12, "monthly_necessary_expenses": ["5500"] * 6,
                  "financial_assets": "40000", "houses": 2, "vehicles": 1, "dibao_edge": True,
                  "recognised_on": "2025-06-01"},
    "cost": "8000",
}
NO_RECOGNITION = {**RECOGNISED, "household": {k: v for k, v in RECOGNISED["household"].items() if k != "recognised_on"}}
TOO_MANY = {**RECOGNISED, "beneficiaries": 3}


@pytest.mark.parametrize("data,status", [(QUICK, 200), (RECOGNISED, 200), (NO_RECOGNITION, 400), (TOO_MANY, 400)],
                         ids=["quick aid", "recognised household", "no recognition day", "too many beneficiaries"])
def test_three_doors_agree_byte_for_byte_on_the_2026_answers(app, api, data, status):
    client, headers = api
    response = client.post("/api/v1/eligibility/evaluate", data=json.dumps(data), headers=headers,
                           content_type="application/json")
    assert response.status_code == status
    cli = CliRunner().invoke(rules_group, ["evaluate", "--rules", app.config["RULES_DIR"], "-"], input=json.dumps(data))
    assert cli.exit_code == (0 if status == 200 else 2)
    assert response.get_data(as_text=True) == cli.output == _python_door(app, data)
    body = response.get_json()
    if data is QUICK:
        assert body["notes"] == ["quick_aid"] and body["deadlines"]["quick_due"] == "2026-03-19"
        assert body["amount"]["maximum"] == body["amount"]["base"]  # one month of the urban standard
    elif data is RECOGNISED:
        assert body["notes"] == ["verify_necessary_expenses", "public_posting_before_aid"]
        assert [c.get("waived") for c in body["checks"]] == [None, None] + ["recognised"] * 4
    else:
        assert body["error"]["field"] == ("household.recognised_on" if data is NO_RECOGNITION else "beneficiaries")
