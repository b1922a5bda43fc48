"""The 2026 national opinion in the application, through the services: 小额快救 takes its own short flow
within its clock and stays off the public disclosure list; a 低保边缘 case is posted (公示) before it may be
approved; a person passing through is helped where it happened and seen by their home county."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.cli import cli
from app.models import AuditEntry, Case, Household, Region
from app.security.scope import scope_clause
from app.services import posting as posting_service
from app.services.deadlines import CST, overdue_cases
from app.services.home_county import home_county_cases
from app.services.intake import IntakeRefused, intake
from app.services.ledgers import Month, cash_ledger, disclosure_list
from app.services.passing import Person, intake_passing
from app.services.payments import record_payment
from app.services.posting import PostingRefused, record_objection, resolve_objection
from app.services.workflow import TransitionRefused, available, take
from tests.payment_support import user
from tests.policy_2026_support import china_now, illness_application, light_emergency, rules_2026  # noqa: F401
from tests.support import make_household

CASEWORKER, APPROVER = "township_caseworker_370811", "township_approver_370811"


def _region(session, code):
    return session.scalar(select(Region).where(Region.code == code))


def test_a_2025_and_a_2026_application_of_one_household_get_the_2018_and_the_2026_answer(app, session, rules_2026):
    household = make_household(session, "370811")
    before = intake(session, household, light_emergency("incident:fire", "800", dt.date(2025, 6, 10)),
                    user(app, CASEWORKER), rules_2026)
    after = intake(session, household, light_emergency("incident:traffic_accident", "800", dt.date(2026, 6, 10)),
                   user(app, CASEWORKER), rules_2026)
    # 2018: a light emergency up to the light cap (1000), pre-assistance then registration
    assert before.flow == "emergency" and before.maximum_amount == Decimal("1000.00")
    assert "quick_aid" not in before.verdict["notes"] and "quick_due" not in before.deadlines
    # 2026: 小额快救, at most one month of 任城区's urban dibao (700), handled within 3 calendar days
    assert after.flow == "quick" and after.maximum_amount == Decimal("700.00")
    assert after.verdict["notes"][0] == "quick_aid"
    assert after.deadlines["quick_due"] == {"due": "2026-06-13", "met": None}
    assert after.suggested_amount == Decimal("700.00")  # the lesser of 800 requested and the maximum


def test_a_quick_case_is_registered_and_paid_by_the_township_with_no_investigation(app, session, rules_2026):
    case = intake(session, make_household(session, "370811"), light_emergency(), user(app, CASEWORKER), rules_2026)
    approver = user(app, APPROVER)
    assert [t.name for t in available(case, approver)] == ["register", "reject"]
    assert case.due_at is not None and "registration_due" not in case.verdict["deadlines"]
    take(session, case, "register", approver, {"amount": "500"}, rules_2026)
    assert case.state == "registered" and case.approved_amount == Decimal("500.00")
    record_payment(session, case, user(app, CASEWORKER), "cash", "500", rules_2026)
    assert case.state == "paid"
    met = dt.datetime.fromisoformat(case.deadlines["quick_due"]["met"])
    due = dt.datetime.combine(dt.date.fromisoformat(case.deadlines["quick_due"]["due"]), dt.time(23, 59, 59), CST)
    assert met <= due and case.due_at is None  # paid within its clock; nothing left running


def test_a_quick_case_is_above_its_cap_only_with_a_reason_and_a_higher_approval(app, session, rules_2026):
    case = intake(session, make_household(session, "370811"), light_emergency(), user(app, CASEWORKER), rules_2026)
    with pytest.raises(TransitionRefused) as refused:
        take(session, case, "register", user(app, APPROVER), {"amount": "900"}, rules_2026)
    assert refused.value.code == "above_maximum"


def test_an_overdue_quick_case_is_listed_by_tempaid_deadlines(app, session, rules_2026):
    late_day = china_now().date() - dt.timedelta(days=5)
    late = intake(session, make_household(session, "370811"), light_emergency(day=late_day), user(app, CASEWORKER),
                  rules_2026)
    assert late.flow == "quick"
    assert late.number in [c.number for c in overdue_cases(session, china_now())]
    result = app.test_cli_runner().invoke(cli, ["deadlines", "--county", "370811"])
    assert late.number in result.output and "quick_due" in result.output


def test_the_disclosure_list_leaves_out_quick_payments_and_the_ledger_keeps_them(app, session, rules_2026):
    caseworker = user(app, CASEWORKER)
    quick = intake(session, make_household(session, "370811"), light_emergency(), caseworker, rules_2026)
    take(session, quick, "register", user(app, APPROVER), {"amount": "500"}, rules_2026)
    record_payment(session, quick, caseworker, "cash", "500", rules_2026)
    # an ordinary heavy emergency of the same township and month, paid in cash, is disclosed
    heavy = intake(session, make_household(session, "370811"), {**light_emergency(), "severity": "heavy", "cost": "3000"},
                   caseworker, rules_2026)
    assert heavy.flow == "emergency"
    take(session, heavy, "pre_assist", user(app, APPROVER), {"amount": "800", "date": heavy.application_date.isoformat()},
         rules_2026)
    record_payment(session, heavy, caseworker, "cash", "800", rules_2026)
    month = Month.of(china_now().date())
    finance = user(app, "finance_officer_370811")
    ledger = cash_ledger(session, finance, quick.township_id, month)
    shown = disclosure_list(session, finance, quick.township_id, month)
    assert {quick.number, heavy.number} <= {r["case_number"] for r in ledger.rows}
    numbers = [r["case_number"] for r in shown.rows]
    assert heavy.number in numbers and quick.number not in numbers
    assert shown.total == Decimal("800.00") and shown.households == 1


def _posted_case(app, session, rules, **household):
    """A 低保边缘 household's illness application taken to its review (which opens the posting)."""
    found = make_household(session, "370811", **household)
    case = intake(session, found, illness_application(), user(app, CASEWORKER), rules)
    take(session, case, "accept", user(app, CASEWORKER), {}, rules)
    take(session, case, "investigate", user(app, CASEWORKER), {"note": "入户调查"}, rules)
    take(session, case, "review", user(app, APPROVER), {"note": "审核"}, rules)
    return case


EDGE = {"dibao_edge": True}


def test_a_dibao_edge_case_is_posted_from_its_review_for_five_working_days(app, session, rules_2026):
    case = _posted_case(app, session, rules_2026, **EDGE, dibao_edge_recognised_on=china_now().date())
    assert "public_posting_before_aid" in case.verdict["notes"]
    found = posting_service.status(session, case, rules_2026.calendar)
    assert found.posting.opened_on == china_now().date() and found.posting.working_days == 5
    assert found.posting.ends_on == rules_2026.calendar.add_working_days(china_now().date(), 5)[0]
    assert found.days_left == 5
    # the trail names the review for the case's move and for the posting it opened (nothing unnamed)
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)).all()
    assert "edit" not in actions and actions.count("review") == 2


def test_approval_is_refused_while_the_posting_runs_or_an_objection_is_open(app, session, rules_2026, monkeypatch):
    case = _posted_case(app, session, rules_2026, **EDGE, dibao_edge_recognised_on=china_now().date())
    approver = user(app, "county_approver_370811")
    with pytest.raises(TransitionRefused) as refused:
        take(session, case, "approve", approver, {"amount": "1000"}, rules_2026)
    assert refused.value.code == "posting_running"
    objection = record_objection(session, case, user(app, CASEWORKER), "邻居李某", "该户有经营性收入未申报")
    # the period has run: the open objection still holds the approval
    after = dt.datetime.combine(posting_service.posting_of(session, case).ends_on + dt.timedelta(days=1),
                                dt.time(9, 0), CST)
    monkeypatch.setattr(posting_service, "utcnow", lambda: after)
    with pytest.raises(TransitionRefused) as refused:
        take(session, case, "approve", approver, {"amount": "1000"}, rules_2026)
    assert refused.value.code == "objection_open"
    assert "approve" not in [t.name for t in available(case, approver)]
    resolve_objection(session, case, objection.id, user(app, APPROVER), "经核实，收入已计入，异议不成立")
    take(session, case, "approve", approver, {"amount": "1000"}, rules_2026)
    assert case.state == "approved"


def test_a_household_without_the_new_statuses_is_approved_with_no_posting(app, session, rules_2026):
    case = _posted_case(app, session, rules_2026)
    assert "public_posting_before_aid" not in case.verdict["notes"]
    assert posting_service.posting_of(session, case) is None
    take(session, case, "approve", user(app, "county_approver_370811"), {"amount": "1000"}, rules_2026)
    assert case.state == "approved"


def test_an_objection_needs_who_and_what_and_staff_who_work_the_case(app, session, rules_2026):
    case = _posted_case(app, session, rules_2026, rigid_expense=True, rigid_expense_recognised_on=china_now().date())
    with pytest.raises(PostingRefused) as refused:
        record_objection(session, case, user(app, CASEWORKER), "", "有异议")
    assert refused.value.code == "field_required:raised_by"
    with pytest.raises(PostingRefused) as refused:
        record_objection(session, case, user(app, "finance_officer_370811"), "王某", "有异议")
    assert refused.value.code == "role"
    with pytest.raises(PostingRefused) as refused:
        record_objection(session, case, user(app, "township_caseworker_370881"), "王某", "有异议")
    assert refused.value.code == "scope"


def test_intake_tells_the_engine_the_statuses_and_the_latest_recognition(app, session, rules_2026):
    today = china_now().date()
    household = make_household(session, "370811", dibao=True, dibao_recognised_on=today - dt.timedelta(days=400),
                               rigid_expense=True, rigid_expense_recognised_on=today - dt.timedelta(days=10))
    case = intake(session, household, illness_application(), user(app, CASEWORKER), rules_2026)
    assert case.inputs["household"]["rigid_expense"] is True and "dibao_edge" not in case.inputs["household"]
    assert case.inputs["household"]["recognised_on"] == (today - dt.timedelta(days=10)).isoformat()
    assert [c.get("waived") for c in case.verdict["checks"] if c["name"] == "income"] == ["recognised"]


# --- people passing through ---------------------------------------------------------------------------

def _person(session, **fields) -> Person:
    town = min(_region(session, "370881").children, key=lambda r: r.code)  # 曲阜's first township
    values = dict(name="赵小明", id_number="370811199003070010", phone="13800001111", township=town,
                  home_region=_region(session, "370811005"), home_place=None, incident_place="曲阜东站候车厅",
                  incident="候车时突发急病，身上财物被盗")
    values.update(fields)
    return Person(**values)


def test_a_person_passing_through_is_helped_by_the_county_where_it_happened(app, session, rules_2026):
    case = intake_passing(session, _person(session), light_emergency(), user(app, "township_caseworker_370881"),
                          rules_2026)
    assert case.county.code == "370881" and case.household.passing_through
    assert case.household.home_county.code == "370811" and case.incident_place == "曲阜东站候车厅"
    assert case.verdict["eligible"] and case.flow == "quick"  # 曲阜 helps every residency from 2026-04-01
    assert case.maximum_amount == Decimal("325.00")  # half a month of 650


def test_the_home_county_sees_that_the_case_exists_and_nothing_more(app, session, rules_2026):
    case = intake_passing(session, _person(session), light_emergency(), user(app, "township_caseworker_370881"),
                          rules_2026)
    count, rows = home_county_cases(session, user(app, "county_reviewer_370811"))
    assert count == 1 and rows[0]["number"] == case.number and rows[0]["name"] == "赵*明"
    assert set(rows[0]) == {"number", "name", "category", "state", "suggested_amount", "approved_amount",
                            "application_date", "county"}
    assert home_county_cases(session, user(app, "county_reviewer_370881"))[0] == 0  # the helping county itself
    assert home_county_cases(session, user(app, CASEWORKER))[0] == 0  # a township of the home county: no list


def test_a_person_passing_through_is_found_again_and_never_twinned(app, session, rules_2026):
    caseworker = user(app, "township_caseworker_370881")
    first = intake_passing(session, _person(session), light_emergency(), caseworker, rules_2026)
    again = intake_passing(session, _person(session, phone="13900002222", home_region=None, home_place="江苏省徐州市"),
                           light_emergency("other:flood"), caseworker, rules_2026)
    assert again.household_id == first.household_id and again.household.home_place == "江苏省徐州市"
    assert again.household.home_county is None


@pytest.mark.parametrize("fields, code", [
    ({"id_number": "370811199003070011"}, "id_number_invalid"),
    ({"home_region": None}, "home_place"),
    ({"incident": ""}, "incident"),
])
def test_intake_of_a_person_passing_through_refuses_what_is_missing(app, session, rules_2026, fields, code):
    with pytest.raises(IntakeRefused) as refused:
        intake_passing(session, _person(session, **fields), light_emergency(), user(app, "township_caseworker_370881"),
                       rules_2026)
    assert refused.value.code.endswith(code)


def test_a_person_with_a_household_in_another_county_is_helped_on_it_where_it_happened(app, session, rules_2026):
    resident = make_household(session, "370811", size=4, residency="local_hukou", dibao=True)
    home = (resident.township_id, resident.county_id, resident.size, resident.head_name)
    case = intake_passing(session, _person(session, id_number=resident.id_number), light_emergency(),
                          user(app, "township_caseworker_370881"), rules_2026)
    assert case.household_id == resident.id, "the case points to their own household"
    assert session.scalar(select(func.count(Household.id)).where(Household.id_number == resident.id_number)) == 1
    session.refresh(resident)
    assert (resident.township_id, resident.county_id, resident.size, resident.head_name) == home, "not moved"
    assert not resident.passing_through
    assert case.county.code == "370881" and case.township.parent.code == "370881" and case.number.startswith("370881")
    assert case.incident_place == "曲阜东站候车厅"
    count, rows = home_county_cases(session, user(app, "county_reviewer_370811"))
    assert count == 1 and rows[0]["number"] == case.number and rows[0]["county"] == "370881"
    assert home_county_cases(session, user(app, "county_reviewer_370881"))[0] == 0
    assert case.id not in {c.id for c in session.scalars(select(Case).where(scope_clause(Case, user(app, CASEWORKER))))}


def test_the_engine_judges_them_as_anyone_passing_through(app, session, rules_2026):
    """Same person, same emergency, same day: the verdict with a household at home is the verdict without
    (one person, the residency given at the helping county, its rules)."""
    resident = make_household(session, "370811", size=5, residency="local_hukou")
    stranger = _person(session, id_number="370811199003070010")
    without = intake_passing(session, stranger, light_emergency(), user(app, "township_caseworker_370881"), rules_2026)
    with_home = intake_passing(session, _person(session, id_number=resident.id_number), light_emergency(),
                               user(app, "township_caseworker_370881"), rules_2026)
    plain = lambda verdict: {k: v for k, v in verdict.items() if k not in ("input",)}  # noqa: E731
    assert plain(with_home.verdict)["checks"] == plain(without.verdict)["checks"]
    assert with_home.verdict["eligible"] == without.verdict["eligible"]
    assert with_home.maximum_amount == without.maximum_amount and with_home.flow == without.flow
    assert with_home.inputs["residency"] == "none" and with_home.inputs["household"]["size"] == 1


def test_a_person_with_a_household_in_the_helping_county_is_taken_in_on_it(app, session, rules_2026):
    resident = make_household(session, "370881")
    with pytest.raises(IntakeRefused) as refused:
        intake_passing(session, _person(session, id_number=resident.id_number), light_emergency(),
                       user(app, "township_caseworker_370881"), rules_2026)
    assert refused.value.code == "has_household"
