"""The 2026 national opinion as dated rules (``spec/policy-2026.md``): what the case tables cannot say —
keys that must be absent, the order of checks and notes, the month arithmetic — and the properties: an
application dated before the opinion gets exactly the answer of the 2018 rules, whatever the new fields say."""
from __future__ import annotations

import copy
import re
import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from app.rules import dumps, evaluate
from app.rules.recognition import months_before

from .test_properties import SETTINGS, applications

OPINION_DAY = date(2026, 1, 29)
HOUSEHOLD = {
    "size": 2, "monthly_income": ["6000"] * 12, "monthly_necessary_expenses": ["5500"] * 6,
    "financial_assets": "40000", "houses": 2, "vehicles": 1, "dibao_edge": True, "recognised_on": "2025-06-01",
}
WAIVED_APPLICATION = {
    "county": "370830", "kind": "expenditure", "category": "illness:uremia", "application_date": "2026-03-15",
    "residency": "local_hukou", "area": "urban", "household": HOUSEHOLD, "cost": "8000",
}


def _without_sources(value):
    """The verdict without the ``file:line`` of each value: the 2026 fixture has the 2018 values on other lines."""
    if isinstance(value, dict):
        return {k: _without_sources(v) for k, v in value.items() if k != "source"}
    if isinstance(value, list):
        return [_without_sources(v) for v in value]
    return value


def test_a_waived_check_says_so_and_a_check_that_is_not_waived_has_no_waived_key(rules_2026):
    out = evaluate(WAIVED_APPLICATION, rules_2026)
    assert [c["name"] for c in out["checks"]] == [
        "residency", "net_income", "income", "financial_assets", "houses", "vehicles"]
    for check in out["checks"]:
        if check["name"] in ("income", "financial_assets", "houses", "vehicles"):
            assert list(check) == ["name", "passed", "value", "limit", "source", "waived"]
            assert (check["passed"], check["value"], check["waived"]) == (True, None, "recognised")
        else:
            assert "waived" not in check
    too_old = copy.deepcopy(WAIVED_APPLICATION)
    too_old["household"]["recognised_on"] = "2025-03-14"
    assert not any("waived" in check for check in evaluate(too_old, rules_2026)["checks"])


def test_a_quick_verdict_has_quick_due_in_place_of_registration_due(rules_2026):
    fire = {"county": "370830", "kind": "emergency", "category": "incident:fire", "severity": "light",
            "application_date": "2026-03-15", "residency": "none", "area": "rural", "household": {"size": 1}}
    out = evaluate(fire, rules_2026)
    assert list(out["deadlines"]) == ["pre_assist_due", "quick_due"]
    assert out["notes"] == ["quick_aid"]
    assert out["amount"]["base"] == "650"  # the urban standard, although the household is rural
    text = dumps(out)
    assert '"maximum": "650"' in text and '"suggested": "650"' in text


def test_months_back_fall_to_the_end_of_a_shorter_month():
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2028, 3, 31), 1) == date(2028, 2, 29)
    assert months_before(date(2026, 1, 31), 1) == date(2025, 12, 31)
    assert months_before(date(2026, 3, 15), 12) == date(2025, 3, 15)
    assert months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert months_before(date(2026, 5, 10), 0) == date(2026, 5, 10)


@st.composite
def pre_opinion_applications(draw):
    """Any application dated before 2026-01-29, with the new household fields set at random."""
    data = draw(applications())
    day = date(2019, 1, 1) + timedelta(days=draw(st.integers(0, (OPINION_DAY - date(2019, 1, 1)).days - 1)))
    data["application_date"] = day.isoformat()
    household = data["household"]
    household["dibao_edge"] = draw(st.booleans())
    household["rigid_expense"] = draw(st.booleans())
    if draw(st.booleans()):
        household["recognised_on"] = (day - timedelta(days=draw(st.integers(0, 800)))).isoformat()
    return data


@SETTINGS
@given(data=pre_opinion_applications())
def test_an_application_before_the_opinion_gets_the_2018_answer(fixture_rules, rules_2026, data):
    old = copy.deepcopy(data)
    for key in ("dibao_edge", "rigid_expense", "recognised_on"):
        old["household"].pop(key, None)
    before = json.loads(dumps(evaluate(old, fixture_rules)))
    after = json.loads(dumps(evaluate(data, rules_2026)))
    assert _without_sources(after) == _without_sources(before)


@SETTINGS
@given(data=applications(kind="emergency"))
def test_quick_aid_is_at_most_the_months_of_urban_dibao_and_never_above_the_request(rules_2026, data):
    day = date.fromisoformat(data["application_date"])
    out = evaluate({**data, "household": {"size": data["household"]["size"]}}, rules_2026)
    quick = "quick_aid" in out["notes"]
    assert quick == (data["severity"] == "light" and day >= (date(2026, 4, 1) if data["county"] == "370881"
                                                              else OPINION_DAY))
    assert ("quick_due" in out["deadlines"]) == quick != ("registration_due" in out["deadlines"])
    if quick and out["amount"]:
        months = Decimal("0.5") if data["county"] == "370881" else Decimal(1)
        maximum = Decimal(out["amount"]["maximum"])
        assert maximum == months * Decimal(out["amount"]["base"])
        assert Decimal(out["amount"]["suggested"]) == min(maximum, Decimal(data.get("requested_amount", maximum)))


# --- the shipped rules -------------------------------------------------------------------------------

SHIPPED_KEYS = ("emergency_residency", "recognised_months", "quick_cap_dibao_months", "quick_days",
                "posting_working_days")


def test_the_shipped_city_file_states_the_opinion_from_29_january_2026_each_with_its_clause():
    from tests.rule_edit_support import PROJECT_RULES

    lines = (PROJECT_RULES / "jining.yaml").read_text(encoding="utf-8").splitlines()
    for key in SHIPPED_KEYS:
        (index,) = [i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:")]
        assert "2026年意见" in lines[index - 1] or "2026年意见" in lines[index - 2], key
        if key != "posting_working_days":
            assert lines[index + 1].strip().startswith("2026-01-29:"), key
    (months,) = [line for line in lines if line.strip().startswith("2026-01-29: 12")]
    assert "占位数据" in months


def test_rules_show_lists_the_opinions_keys_with_their_sources_and_the_2018_rule_before_them():
    from click.testing import CliRunner

    from app.rules.cli import rules_group

    after = CliRunner().invoke(rules_group, ["show", "--county", "370811", "--date", "2026-03-01"]).stdout
    assert re.search(r"^aid\.quick_cap_dibao_months = 1  \[jining\.yaml:\d+, since 2026-01-29\]$", after, re.M)
    assert re.search(r"^approval\.quick_days = 3  \[jining\.yaml:\d+, since 2026-01-29\]$", after, re.M)
    assert re.search(r"^eligibility\.emergency_residency = local_hukou, residence_permit, none  \[jining\.yaml:\d+",
                     after, re.M)
    assert re.search(r"^eligibility\.expenditure\.recognised_months = 12  \[jining\.yaml:\d+", after, re.M)
    assert re.search(r"^cases\.posting_working_days = 5  \[jining\.yaml:\d+\]$", after, re.M)
    before = CliRunner().invoke(rules_group, ["show", "--county", "370811", "--date", "2026-01-28"]).stdout
    assert re.search(r"^aid\.quick_cap_dibao_months = \(no value in force: the 2018 rule applies\)  "
                     r"\[jining\.yaml:\d+, first in force 2026-01-29\]$", before, re.M)
