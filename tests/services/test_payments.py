"""Paying decided aid: several stages and methods per approval, never more than approved; the case moves to
paid when it is paid in full; emergency cash from the township's reserve fund."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import AuditEntry, FundMovement, Payment
from app.services.audit import AppendOnly
from app.services.payments import PaymentRefused, payable_states, progress, record_payment, settle
from app.services.reserve_funds import reconcile
from app.services.workflow import take
from tests.payment_support import NOW, approved_case, emergency_case, funded, user




def pay(session, case, who, method, amount, rules, **kw):
    return record_payment(session, case, who, method, amount, rules, now=NOW, **kw)


def refused(code, session, case, who, method, amount, rules, **kw):
    with pytest.raises(PaymentRefused) as caught:
        pay(session, case, who, method, amount, rules, **kw)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_one_approval_paid_in_three_stages_by_three_methods(app, session, rules, finance, caseworker):
    case = approved_case(app, session, rules, "1800")
    first = pay(session, case, caseworker, "cash", "600", rules, paid_on="2026-11-20")
    assert (first.payment.stage, first.complete, case.state) == (1, False, "approved")
    second = pay(session, case, caseworker, "in_kind", "400", rules, paid_on="2026-11-21", items="棉被2床、米面油")
    assert (second.payment.stage, second.payment.items, case.state) == (2, "棉被2床、米面油", "approved")
    assert progress(session, case.id).remaining == Decimal("800.00")
    last = pay(session, case, finance, "bank_transfer", "800", rules, paid_on="2026-11-25")
    assert (last.payment.stage, last.complete) == (3, True)
    assert case.state == "paid"
    done = progress(session, case.id)
    assert (done.approved, done.paid, done.stages, done.remaining) == (Decimal("1800.00"), Decimal("1800.00"), 3, 0)
    # every payment and the move to paid are on the case's trail, with who and the date paid
    trail = session.execute(select(AuditEntry.action, AuditEntry.target, AuditEntry.note, AuditEntry.user_id)
                            .where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)).all()
    assert [(a, t) for a, t, _n, _u in trail if t == "payment"] == [("payment", "payment")] * 3
    assert ("pay", "aid_case", "2026-11-25", finance.id) in trail


def test_the_sum_paid_never_exceeds_the_approved_amount(app, session, rules, caseworker):
    case = approved_case(app, session, rules, "1800")
    pay(session, case, caseworker, "cash", "1000", rules)
    error = refused("above_approved", session, case, caseworker, "cash", "800.01", rules)
    assert "800.00 still to pay" in error.message
    assert progress(session, case.id).paid == Decimal("1000.00")  # the refused payment left nothing behind
    pay(session, case, caseworker, "cash", "800", rules)
    assert case.state == "paid"
    refused("not_payable", session, case, caseworker, "cash", "0.01", rules)


@pytest.mark.parametrize("method, amount, extra, code", [
    ("cheque", "100", {}, "method_invalid"),
    ("cash", "0", {}, "amount_invalid"),
    ("cash", "-5", {}, "amount_invalid"),
    ("cash", "12.345", {}, "amount_invalid"),
    ("cash", "abc", {}, "amount_invalid"),
    ("in_kind", "300", {}, "field_required:items"),
    ("referral", "0", {}, "field_required:items"),
    ("cash", "100", {"paid_on": "2099-01-01"}, "date_invalid"),
    ("cash", "100", {"paid_on": "2026-10-30"}, "date_invalid"),  # before the application
    ("cash", "100", {"paid_on": "20261120"}, "date_invalid"),
])
def test_what_a_payment_must_say(app, session, rules, caseworker, method, amount, extra, code):
    case = approved_case(app, session, rules)
    refused(code, session, case, caseworker, method, amount, rules, **extra)
    assert progress(session, case.id).stages == 0


def test_a_referral_service_is_a_stage_worth_nothing_and_a_transfer_needs_an_account(app, session, rules, caseworker):
    case = approved_case(app, session, rules, bank_account=None)
    referral = pay(session, case, caseworker, "referral", "0", rules, items="转介县慈善总会大病救助项目")
    assert (referral.payment.stage, referral.payment.amount, referral.complete) == (1, Decimal("0.00"), False)
    refused("no_bank_account", session, case, caseworker, "bank_transfer", "100", rules)


def test_only_who_the_workflow_lets_pay_records_payments_in_their_jurisdiction(app, session, rules):
    case = approved_case(app, session, rules)
    for username in ("township_approver_370811", "supervisor_370811", "city_bureau", "grid_worker_370811"):
        refused("role", session, case, user(app, username), "cash", "100", rules)
    refused("scope", session, case, user(app, "finance_officer_370881"), "cash", "100", rules)
    refused("scope", session, case, user(app, "township_caseworker_370881"), "cash", "100", rules)


def test_undecided_cases_take_no_payment(app, session, rules, caseworker):
    from app.services.intake import intake
    from tests.payment_support import EXPENDITURE
    from tests.support import make_household

    case = intake(session, make_household(session, "370811"), EXPENDITURE, caseworker, rules)
    refused("not_payable", session, case, caseworker, "cash", "100", rules)
    assert payable_states(case) == {"approved"}


def test_emergency_cash_from_the_reserve_fund_then_paid_once_registered(app, session, rules, caseworker, finance):
    case = emergency_case(app, session, rules, "800")
    assert payable_states(case) == {"pre_assisted", "registered"}
    fund = funded(app, session, case.township, "10000")
    done = pay(session, case, caseworker, "cash", "800", rules, paid_on="2026-11-20", from_reserve_fund=True)
    assert done.complete and case.state == "pre_assisted"  # paid in full; the papers are not registered yet
    movement = done.movement
    assert (movement.kind, movement.amount, movement.balance_after) == ("draw", Decimal("-800.00"), Decimal("9200.00"))
    assert (movement.payment_id, movement.case_id) == (done.payment.id, case.id)
    assert reconcile(session, fund.id) == (Decimal("9200.00"), Decimal("9200.00"))
    with pytest.raises(PaymentRefused) as early:
        settle(session, case, caseworker, rules, now=NOW)
    assert early.value.code == "not_available"
    take(session, case, "register", user(app, "county_approver_370811"), {"note": "补齐手续"}, rules, now=NOW)
    settle(session, case, caseworker, rules, now=NOW)
    assert case.state == "paid"
    assert session.scalar(select(AuditEntry.note).where(AuditEntry.case_id == case.id, AuditEntry.action == "pay")) \
        == "2026-11-20"


def test_a_fund_too_small_refuses_the_payment_and_leaves_both_unchanged(app, session, rules, caseworker):
    case = emergency_case(app, session, rules, "800")
    fund = funded(app, session, case.township, "500")
    refused("insufficient_funds", session, case, caseworker, "cash", "800", rules, from_reserve_fund=True)
    assert progress(session, case.id).stages == 0
    assert reconcile(session, fund.id) == (Decimal("500.00"), Decimal("500.00"))
    assert session.scalar(select(FundMovement.id).where(FundMovement.kind == "draw", FundMovement.fund_id == fund.id)) \
        is None
    pay(session, case, caseworker, "cash", "500", rules, from_reserve_fund=True)  # what it holds, it pays
    assert reconcile(session, fund.id) == (Decimal("0.00"), Decimal("0.00"))


def test_the_reserve_fund_pays_emergency_cash_only(app, session, rules, caseworker):
    emergency = emergency_case(app, session, rules, "800")
    funded(app, session, emergency.township)
    refused("reserve_fund_for_emergency_cash", session, emergency, caseworker, "bank_transfer", "100", rules,
            from_reserve_fund=True)
    expenditure = approved_case(app, session, rules)
    refused("reserve_fund_for_emergency_cash", session, expenditure, caseworker, "cash", "100", rules,
            from_reserve_fund=True)


def test_a_township_without_a_fund_cannot_draw(app, session, rules, caseworker):
    case = emergency_case(app, session, rules, "800")
    refused("no_reserve_fund", session, case, caseworker, "cash", "100", rules, from_reserve_fund=True)


def test_a_draw_below_the_countys_level_warns(app, session, rules, caseworker):
    case = emergency_case(app, session, rules, "800")
    level = rules.effective("370811", NOW.date())["reserve_fund"]["low_balance"]["value"]
    funded(app, session, case.township, str(level + 500))
    done = pay(session, case, caseworker, "cash", "800", rules, from_reserve_fund=True)
    assert done.warnings == ["reserve_fund_low"]


def test_a_major_case_is_paid_by_finance_only(app, session, rules, finance, caseworker):
    from app.services.intake import intake
    from tests.payment_support import EXPENDITURE
    from tests.support import make_household

    case = intake(session, make_household(session, "370811", bank_account="6231000011113333"),
                  {**EXPENDITURE, "severity": "major"}, caseworker, rules)
    for who, name, fields in (("township_caseworker", "accept", {}),
                              ("county_reviewer", "draft_plan", {"note": "综合救助方案", "amount": "30000"}),
                              ("county_leading_group", "approve", {"amount": "30000"})):
        take(session, case, name, user(app, f"{who}_370811"), fields, rules, now=NOW)
    refused("role", session, case, caseworker, "cash", "100", rules)
    assert pay(session, case, finance, "bank_transfer", "30000", rules).complete
    assert case.state == "paid"


def test_payments_are_never_edited_or_deleted(app, session, rules, caseworker):
    case = approved_case(app, session, rules)
    payment = pay(session, case, caseworker, "cash", "100", rules).payment
    session.commit()
    payment.amount = Decimal("1")
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()
    payment = session.scalar(select(Payment).where(Payment.case_id == case.id))
    session.delete(payment)
    with pytest.raises(AppendOnly):
        session.flush()
