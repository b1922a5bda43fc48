"""Properties that hold for every input, checked with hypothesis on the fixture rules."""
from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import dumps, evaluate
from app.rules.engine import evaluate_request
from app.rules.inputs import parse_input

PLAIN_MONEY = re.compile(r"-?\d+(\.\d+)?\Z")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

amounts = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False, allow_infinity=False)


def money_text(value: Decimal) -> str:
    return format(value, "f")


@st.composite
def applications(draw, kind=None):
    kind = kind or draw(st.sampled_from(["expenditure", "emergency"]))
    county = draw(st.sampled_from(["370811", "370830", "370881"]))
    if kind == "expenditure":
        category = draw(st.sampled_from(["illness:uremia", "illness:leukemia", "education:senior_high",
                                         "education:college", "other:other"]
                                        + (["illness:hemophilia"] if county == "370811" else [])))
        severity = draw(st.sampled_from([None, None, None, "major"]))
    else:
        category = draw(st.sampled_from(["incident:fire", "illness:uremia", "education:college", "other:other"]))
        severity = draw(st.sampled_from(["light", "heavy", "major"]))
    day = date(2019, 1, 1) + timedelta(days=draw(st.integers(0, 365 * 9)))
    size = draw(st.integers(1, 8))
    data = {
        "county": county, "kind": kind, "category": category, "application_date": day.isoformat(),
        "residency": draw(st.sampled_from(["local_hukou", "residence_permit", "none"])),
        "area": draw(st.sampled_from(["urban", "rural"])),
        "household": {
            "size": size,
            "monthly_income": [money_text(draw(amounts)) for _ in range(12)],
            "monthly_necessary_expenses": [money_text(draw(amounts)) for _ in range(6)],
            "financial_assets": money_text(draw(amounts)),
            "houses": draw(st.integers(0, 3)), "vehicles": draw(st.integers(0, 2)),
            "dibao": draw(st.booleans()), "tekun": draw(st.booleans()),
        },
        "cost": money_text(draw(amounts)),
        "beneficiaries": draw(st.integers(1, min(4, size))),
    }
    if severity:
        data["severity"] = severity
    if draw(st.booleans()):
        data["requested_amount"] = money_text(draw(amounts))
    return data


def _top_multiplier(rules, data):
    county = rules.county(data["county"])
    table = county.category_map[data["category"]].tiers
    rows = county.params(date.fromisoformat(data["application_date"]))[f"aid.{table}"].value
    return max(row.multiplier for row in rows)


@SETTINGS
@given(data=applications())
def test_eligible_is_exactly_all_checks_passed(fixture_rules, data):
    out = evaluate(data, fixture_rules)
    assert out["eligible"] == all(check["passed"] for check in out["checks"])
    assert [c["name"] for c in out["checks"]] == (
        ["residency", "net_income", "income", "financial_assets", "houses", "vehicles"]
        if data["kind"] == "expenditure" else ["residency"])
    assert (out["amount"] is None) == (not out["eligible"])
    assert (out["approval_level"] is None) == (not out["eligible"])


@SETTINGS
@given(data=applications())
def test_the_unexplained_decision_of_the_impact_is_the_verdicts(fixture_rules, data):
    out = evaluate(data, fixture_rules)
    decision = evaluate_request(parse_input(data), fixture_rules, explain=False)
    suggested = (out["amount"] or {}).get("suggested")
    assert decision.eligible is out["eligible"] and decision.approval_level == out["approval_level"]
    assert decision.suggested == (None if suggested is None else Decimal(suggested))


@SETTINGS
@given(data=applications())
def test_amount_never_exceeds_top_multiplier_times_base_times_beneficiaries(fixture_rules, data):
    out = evaluate(data, fixture_rules)
    amount = out["amount"]
    if amount is None or amount["case_by_case"]:
        return
    maximum, suggested = Decimal(amount["maximum"]), Decimal(amount["suggested"])
    assert suggested <= maximum
    if amount["tier"] is None:  # light emergency
        assert maximum == Decimal("1000")
        return
    ceiling = _top_multiplier(fixture_rules, data) * Decimal(amount["base"]) * amount["beneficiaries"]
    assert maximum <= ceiling
    if data["county"] != "370881":  # the fixture counties other than 曲阜 cap at cost
        assert maximum <= Decimal(data["cost"])


@SETTINGS
@given(data=applications(kind="expenditure"), costs=st.lists(amounts, min_size=2, max_size=6))
def test_maximum_never_falls_as_cost_rises(fixture_rules, data, costs):
    data.pop("severity", None)
    data["residency"] = "local_hukou"
    previous = None
    for cost in sorted(costs):
        data["cost"] = money_text(cost)
        out = evaluate(data, fixture_rules)
        if not out["eligible"]:
            return
        maximum = Decimal(out["amount"]["maximum"])
        if previous is not None:
            assert maximum >= previous
        previous = maximum


def _money_fields(out):
    for check in out["checks"]:
        if check["name"] in ("net_income", "income", "financial_assets"):
            yield check["value"]
            yield check["limit"]
    if out["amount"]:
        for key in ("base", "suggested", "maximum"):
            if out["amount"][key] is not None:
                yield out["amount"][key]


@SETTINGS
@given(data=applications(), scale=st.sampled_from(["1", "1000000", "0.000001", "123456789012345"]))
def test_money_strings_never_have_exponents(fixture_rules, data, scale):
    household = data["household"]
    household["monthly_income"] = [money_text(Decimal(x) * Decimal(scale)) for x in household["monthly_income"]]
    household["monthly_income"] = [x if re.fullmatch(r"\d{1,15}(\.\d{1,6})?", x) else "0"
                                   for x in household["monthly_income"]]
    out = evaluate(data, fixture_rules)
    text = dumps(out)
    assert "E+" not in text and "E-" not in text and "e+" not in text
    for value in _money_fields(json.loads(text)):
        assert isinstance(value, str) and PLAIN_MONEY.match(value), value
