"""Issue #19: application dates and report times in the future, and implausible money — refused on the API
as on the screens, by one check in the services; one rule for money (text of ASCII digits, never a JSON
number, no exponent, no full-width digits) on every door; approvals above the maximum need the higher
approver and stay within the county's ``approval.amount_ceiling``."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Case
from app.rules.inputs import CST
from app.services.money import MoneyInvalid, parse_money
from tests.api.test_cases import bearer
from tests.charity_support import charity_staff, make_case, make_project
from tests.payment_support import approved_case
from tests.services.test_workflow import CASES
from tests.support import make_household



def _tomorrow() -> dt.date:
    """China's tomorrow when the test runs (not when the file was imported: a run may cross midnight)."""
    return (dt.datetime.now(CST) + dt.timedelta(days=1)).date()


FIRE = {"kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-11-20",
        "reported_at": "2026-11-20T21:30:00+08:00", "requested_amount": "800"}


@pytest.fixture()
def household(session):
    row = make_household(session, "370811")
    session.commit()
    return row


@pytest.mark.parametrize("url", ["/api/v1/case/intake", "/api/v1/case/preview"])
@pytest.mark.parametrize("field,value", [("application_date", "2999-12-31"), ("application_date", "tomorrow"),
                                         ("reported_at", "next year")])
def test_a_date_in_the_future_is_refused_on_the_api(app, session, household, url, field, value):
    tomorrow = _tomorrow()
    value = {"tomorrow": tomorrow.isoformat(), "next year": f"{tomorrow.year + 1}-01-01T08:00:00+08:00"}.get(value, value)
    figures = {**FIRE, field: value}
    if field == "application_date":
        figures["reported_at"] = f"{value}T08:00:00+08:00"
    answer = app.test_client().post(url, json={"household_id": household.id, "figures": figures},
                                    headers=bearer(app, "township_caseworker_370811"))
    assert answer.status_code == 400, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["field"] == field and "future" in error["message"]
    assert session.scalar(select(func.count()).select_from(Case).where(Case.household_id == household.id)) == 0


def test_a_date_in_the_future_is_refused_on_the_screen(app, login_as, household):
    from tests.conftest import csrf_token

    client = login_as("township_caseworker_370811")
    client.get(f"/intake/?id_number={household.id_number}")
    page = client.post(f"/intake/?id_number={household.id_number}", data={
        "csrf_token": csrf_token(app, client), "kind": "emergency", "category": "incident:fire", "severity": "light",
        "application_date": "2999-12-31", "requested_amount": "800", "action": "save"})
    assert page.status_code == 200 and "application_date" in page.get_data(as_text=True)


@pytest.mark.parametrize("amount", ["１００", "1e5", "1E2", "100.001", "-5", "NaN", "Infinity", 100, 100.5, True,
                                    "٣٠٠"])
def test_money_is_text_of_ascii_digits_on_every_door(amount):
    with pytest.raises(MoneyInvalid):
        parse_money(amount)


def test_money_text_is_read_exactly():
    assert parse_money(" 1200.5 ") == Decimal("1200.50") and parse_money(Decimal("3")) == Decimal("3.00")


@pytest.fixture()
def approved(app, session, rules):
    case = approved_case(app, session, rules, "1800")
    session.commit()
    return case


@pytest.mark.parametrize("amount", ["１００", "1e2", 100, 100.0])
def test_payments_refuse_full_width_exponents_and_numbers(app, approved, amount):
    answer = app.test_client().post("/api/v1/payment/record", headers=bearer(app, "township_caseworker_370811"),
                                    json={"case_id": approved.id, "method": "cash", "amount": amount,
                                          "paid_on": "2026-11-20"})
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid"  # the body schema: Money


@pytest.mark.parametrize("amount", ["1e5", "１００００", 100000])
def test_reserve_fund_allocations_refuse_exponents_full_width_and_numbers(app, session, amount):
    from tests.payment_support import region
    from app.services.users import home_region

    town = home_region("township", region(session, "370811"))
    answer = app.test_client().post("/api/v1/reservefund/allocate", headers=bearer(app, "finance_officer_370811"),
                                    json={"township_id": town.id, "kind": "allocation_county", "amount": amount,
                                          "reason": "县级拨付"})
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid"  # the body schema: Money


@pytest.mark.parametrize("amount", [1200, 1200.0, "1.2e3", "１２００"])
def test_aid_records_take_money_by_the_same_rule_as_payments(app, session, rules, amount):
    client = app.test_client()
    case = make_case(app, session, rules)
    project = make_project(session, charity_staff(app).charity, "大病救助", "10000", ("illness",), ("370811",))
    session.commit()
    caseworker, charity = bearer(app, "township_caseworker_370811"), bearer(app, "charity_staff_370811")
    rid = client.post("/api/v1/referral/refer", headers=caseworker, json={
        "case_id": case.id, "need": "透析费用缺口", "gap_money": "3000"}).get_json()["id"]
    assert client.post(f"/api/v1/referral/{rid}/claim", headers=charity).status_code == 200
    answer = client.post(f"/api/v1/referral/{rid}/aid", headers=charity, json={
        "project_id": project.id, "kind": "money", "amount": amount, "description": "医疗费"})
    assert answer.status_code == 422, answer.get_data(as_text=True)  # the body schema: Money
    assert answer.get_json()["error"]["code"] == "invalid" and answer.get_json()["error"]["field"] == "amount"
    fine = client.post(f"/api/v1/referral/{rid}/aid", headers=charity, json={
        "project_id": project.id, "kind": "money", "amount": "1200", "description": "医疗费"})
    assert fine.status_code == 200


@pytest.mark.parametrize("gap", [3000, "3e3"])
def test_a_referrals_gap_takes_money_by_the_same_rule(app, session, rules, gap):
    case = make_case(app, session, rules)
    session.commit()
    answer = app.test_client().post("/api/v1/referral/refer", headers=bearer(app, "township_caseworker_370811"),
                                    json={"case_id": case.id, "need": "缺口", "gap_money": gap})
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid"  # the body schema: Money


def _reviewed_case(app, household):
    client = app.test_client()
    caseworker, approver = bearer(app, "township_caseworker_370811"), bearer(app, "township_approver_370811")
    case_id = client.post("/api/v1/case/intake", json={"household_id": household.id, "figures": CASES[0]["figures"]},
                          headers=caseworker).get_json()["id"]
    for name, who, body in (("accept", caseworker, {}), ("investigate", caseworker, {"note": "调查"}),
                            ("review", approver, {"note": "审核"})):
        assert client.post(f"/api/v1/case/{case_id}/transition/{name}", json=body, headers=who).status_code == 200
    return case_id


@pytest.mark.parametrize("amount", ["9999999999.99", "1000000", "100000.01"])
def test_no_approval_goes_above_the_countys_ceiling_whoever_approves(app, rules, household, amount):
    ceiling = rules.effective("370811", dt.date(2026, 11, 2))["approval"]["amount_ceiling"]["value"]
    assert Decimal(amount) > Decimal(str(ceiling))
    case_id = _reviewed_case(app, household)
    answer = app.test_client().post(f"/api/v1/case/{case_id}/transition/approve", headers=bearer(app, "city_bureau"),
                                    json={"amount": amount, "reason": "重大疾病，特事特办"})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["error"]["code"] == "above_ceiling"


def test_above_the_maximum_but_within_the_ceiling_the_higher_approver_decides_with_a_reason(app, household):
    case_id = _reviewed_case(app, household)
    client = app.test_client()
    low = client.post(f"/api/v1/case/{case_id}/transition/approve", headers=bearer(app, "township_approver_370811"),
                      json={"amount": "5000", "reason": "病情加重"})
    assert low.get_json()["error"]["code"] == "above_maximum"
    high = client.post(f"/api/v1/case/{case_id}/transition/approve", headers=bearer(app, "city_bureau"),
                       json={"amount": "5000", "reason": "病情加重"})
    assert high.status_code == 200 and high.get_json()["approved_amount"] == "5000.00"


@pytest.mark.parametrize("amount", ["1e12", "１８００", 1800])
def test_approvals_take_money_by_the_same_rule(app, household, amount):
    case_id = _reviewed_case(app, household)
    answer = app.test_client().post(f"/api/v1/case/{case_id}/transition/approve",
                                    headers=bearer(app, "township_approver_370811"), json={"amount": amount})
    assert answer.status_code == 422 and answer.get_json()["error"]["code"] == "invalid"  # the body schema: Money


def test_the_ceiling_is_a_validated_key_of_the_rule_files(tmp_path):
    from app.rules import load_rules
    from app.rules.faults import RulesInvalid
    from tests.rule_edit_support import CITY, copy_rules

    rules_dir = copy_rules(tmp_path)
    city = rules_dir / CITY
    city.write_text(city.read_text(encoding="utf-8").replace("amount_ceiling: 100000", "amount_ceiling: lots"),
                    encoding="utf-8")
    with pytest.raises(RulesInvalid) as faults:
        load_rules(rules_dir)
    assert "approval.amount_ceiling" in str(faults.value)
