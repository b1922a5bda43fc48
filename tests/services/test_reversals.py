"""Reversing a payment (冲正): a new negative stage pointing at the payment it undoes, never an edit; the
money drawn from a reserve fund goes back to it; a paid case left short takes payments again; a reversed
transfer never reaches the bank; the ledger shows the reversal, the public list shows neither. And the
workflow's own guard: nobody marks a case paid that its payments do not cover, nor adjusts an amount
below what was paid."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import AuditEntry, Payment
from app.rules.inputs import CST
from app.services.batches import BatchRefused, create_batch, waiting
from app.services.ledgers import Month, cash_ledger, disclosure_list
from app.services.payments import PaymentRefused, progress, record_payment, settle
from app.services.reserve_funds import reconcile
from app.services.reversals import reverse_payment
from app.services.workflow import TransitionRefused, adjust, available, take
from tests.payment_support import NOW, approved_case, emergency_case, funded, user

DECEMBER = dt.datetime(2026, 12, 2, 9, 0, tzinfo=CST)




def pay(session, case, who, method, amount, rules, **kw):
    return record_payment(session, case, who, method, amount, rules, now=NOW, **kw).payment


def reverse(session, payment, who, rules, reason="银行退回", now=NOW, **kw):
    return reverse_payment(session, payment, who, reason, rules, now=now, **kw)


def refused(code, session, payment, who, rules, reason="银行退回"):
    with pytest.raises(PaymentRefused) as caught:
        reverse(session, payment, who, rules, reason)
    assert caught.value.code == code, caught.value.message
    return caught.value


def offered(case, who) -> set[str]:
    return {t.name for t in available(case, who)}


# -- the pay step requires the payments (workflow guard) ------------------------------------------------------


def test_a_case_is_marked_paid_only_when_its_payments_cover_the_approved_amount(app, session, rules, finance):
    case = approved_case(app, session, rules, "1800")
    assert "pay" not in offered(case, finance)
    with pytest.raises(TransitionRefused) as caught:
        take(session, case, "pay", finance, {"date": "2026-11-20"}, rules, now=NOW)
    assert caught.value.code == "not_paid_in_full" and "record the payments" in caught.value.message
    pay(session, case, finance, "cash", "1000", rules, paid_on="2026-11-20")
    with pytest.raises(TransitionRefused):
        take(session, case, "pay", finance, {"date": "2026-11-20"}, rules, now=NOW)
    assert case.state == "approved" and "pay" not in offered(case, finance)
    pay(session, case, finance, "cash", "800", rules, paid_on="2026-11-21")
    assert case.state == "paid"  # the last stage took the guarded step itself


def test_an_emergency_paid_before_registration_is_offered_the_pay_step_once_registered(app, session, rules,
                                                                                         caseworker):
    case = emergency_case(app, session, rules, "800")
    pay(session, case, caseworker, "cash", "800", rules, paid_on="2026-11-20")
    take(session, case, "register", user(app, "county_approver_370811"), {"note": "补齐手续"}, rules, now=NOW)
    assert "pay" in offered(case, caseworker)
    settle(session, case, caseworker, rules, now=NOW)
    assert case.state == "paid" and "pay" not in offered(case, caseworker)


def test_the_internal_reopening_is_never_offered_nor_taken_by_hand(app, session, rules, finance):
    case = approved_case(app, session, rules, "600")
    paid = pay(session, case, finance, "cash", "600", rules)
    # a reversal written past the service: the case is paid yet short, the one state reopening applies to
    session.add(Payment(case=case, household_id=case.household_id, county_id=case.county_id,
                        township_id=case.township_id, stage=2, method="cash", amount=Decimal("-600.00"),
                        paid_on=NOW.date(), paid_by_id=finance.id, reverses_id=paid.id, note="x"))
    session.flush()
    assert case.state == "paid" and "reopen_payment" not in offered(case, finance)
    with pytest.raises(TransitionRefused) as caught:
        take(session, case, "reopen_payment", finance, {"reason": "手工"}, rules, now=NOW)
    assert caught.value.code == "not_available"
    take(session, case, "reopen_payment", finance, {"reason": "冲正"}, rules, now=NOW, internal=True)
    assert case.state == "approved"


def test_a_workflow_naming_an_unknown_guard_does_not_load(tmp_path):
    from pathlib import Path

    from app.services.workflow_def import WorkflowInvalid, load_workflow

    text = (Path(__file__).resolve().parents[2] / "config/workflow.yaml").read_text(encoding="utf-8")
    broken = text.replace("requires: [paid_in_full]", "requires: [paid_in_ful]", 1)
    line = next(n for n, row in enumerate(broken.splitlines(), start=1) if "paid_in_ful]" in row)
    path = tmp_path / "workflow.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(WorkflowInvalid) as caught:
        load_workflow(path)
    expected = f"workflow.yaml:{line}:19: requires: found 'paid_in_ful', expected one of no_open_objection, not_paid_in_full, paid_in_full, posting_over"
    assert caught.value.faults == [expected]


# -- adjustments never go below what was paid -----------------------------------------------------------------


def test_an_adjustment_never_goes_below_what_was_paid_nor_touches_a_paid_case(app, session, rules, finance):
    approver = user(app, "township_approver_370811")
    case = approved_case(app, session, rules, "1800")
    pay(session, case, finance, "cash", "1000", rules)
    with pytest.raises(TransitionRefused) as caught:
        adjust(session, case, "999.99", "发票复核", approver)
    assert caught.value.code == "below_paid" and "1000.00 already paid" in caught.value.message
    assert case.approved_amount == Decimal("1800.00")
    adjust(session, case, "1000", "发票复核", approver)  # exactly what was paid: now paid in full
    pay_all = take(session, case, "pay", finance, {"date": "2026-11-20"}, rules, now=NOW)
    assert pay_all.state == "paid"
    for state in ("paid", "closed"):
        with pytest.raises(TransitionRefused) as caught:
            adjust(session, case, "1200", "补发", approver)
        assert caught.value.code == "payments_complete" and "payments are complete" in caught.value.message
        if state == "paid":
            take(session, case, "close", user(app, "township_caseworker_370811"), {}, rules, now=NOW)
    assert case.approved_amount == Decimal("1000.00")


# -- reversals --------------------------------------------------------------------------------------------------


def test_a_reversal_is_a_new_negative_stage_and_takes_the_paid_case_back(app, session, rules, finance, caseworker):
    case = approved_case(app, session, rules, "1800")
    cash = pay(session, case, caseworker, "cash", "600", rules, paid_on="2026-11-20")
    transfer = pay(session, case, finance, "bank_transfer", "1200", rules, paid_on="2026-11-21")
    assert case.state == "paid"
    done = reverse(session, transfer, finance, rules, "银行退回：账户已销户")
    reversal = done.reversal
    assert (reversal.stage, reversal.method, reversal.amount, reversal.reverses_id, reversal.note) == (
        3, "bank_transfer", Decimal("-1200.00"), transfer.id, "银行退回：账户已销户")
    assert (reversal.paid_on, reversal.paid_by_id, reversal.batch_id) == (NOW.date(), finance.id, None)
    assert done.reopened and done.movement is None and case.state == "approved"
    assert (transfer.amount, cash.amount) == (Decimal("1200.00"), Decimal("600.00"))  # nothing edited
    now = progress(session, case.id)
    assert (now.paid, now.remaining, now.stages, now.complete) == (Decimal("600.00"), Decimal("1200.00"), 3, False)
    trail = session.execute(select(AuditEntry.action, AuditEntry.target, AuditEntry.note)
                            .where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)).all()
    assert ("reverse", "payment", "银行退回：账户已销户") in trail
    assert ("reopen_payment", "aid_case", "银行退回：账户已销户") in trail
    # the case takes the payment again, and is paid once it is covered
    again = record_payment(session, case, finance, "cash", "1200", rules, paid_on="2026-11-26", now=NOW)
    assert (again.payment.stage, again.complete, case.state) == (4, True, "paid")


def test_a_reversal_before_the_case_is_paid_leaves_its_state(app, session, rules, caseworker):
    case = approved_case(app, session, rules, "1800")
    first = pay(session, case, caseworker, "cash", "600", rules)
    done = reverse(session, first, caseworker, rules, "重复登记")
    assert not done.reopened and case.state == "approved"
    assert progress(session, case.id).paid == Decimal("0.00")


def test_what_a_reversal_needs_and_who_may_record_it(app, session, rules, caseworker):
    case = approved_case(app, session, rules, "1800")
    payment = pay(session, case, caseworker, "cash", "600", rules)
    refused("field_required:reason", session, payment, caseworker, rules, reason="  ")
    for username in ("township_approver_370811", "supervisor_370811", "city_bureau"):
        refused("role", session, payment, user(app, username), rules)
    refused("scope", session, payment, user(app, "finance_officer_370881"), rules)
    assert session.scalar(select(Payment.id).where(Payment.reverses_id == payment.id)) is None


def test_a_payment_is_reversed_once_and_a_reversal_never(app, session, rules, caseworker):
    case = approved_case(app, session, rules, "1800")
    payment = pay(session, case, caseworker, "cash", "600", rules)
    reversal = reverse(session, payment, caseworker, rules).reversal
    assert "stage 1 was reversed already" in refused("already_reversed", session, payment, caseworker, rules).message
    refused("is_reversal", session, reversal, caseworker, rules)
    assert progress(session, case.id).stages == 2
    # the database keeps the shape whatever the code does: one reversal per payment, signs, never batched
    base = {"case": case, "household_id": case.household_id, "county_id": case.county_id,
            "township_id": case.township_id, "method": "cash", "paid_on": NOW.date(), "paid_by_id": caseworker.id}
    for bad in ({"stage": 3, "amount": Decimal("-600.00"), "reverses_id": payment.id},   # a second reversal
                {"stage": 3, "amount": Decimal("-1.00")},                                # negative, not a reversal
                {"stage": 3, "amount": Decimal("1.00"), "reverses_id": reversal.id}):    # a reversal above zero
        with pytest.raises(IntegrityError), session.begin_nested():
            session.add(Payment(**base, **bad))
            session.flush()


def test_a_closed_cases_payments_are_not_reversed(app, session, rules, caseworker):
    case = approved_case(app, session, rules, "600")
    payment = pay(session, case, caseworker, "cash", "600", rules)
    take(session, case, "close", caseworker, {}, rules, now=NOW)
    error = refused("case_closed", session, payment, caseworker, rules)
    assert "closed" in error.message and case.state == "closed"


def test_reversing_a_draw_gives_the_money_back_to_the_reserve_fund(app, session, rules, caseworker):
    case = emergency_case(app, session, rules, "800")
    fund = funded(app, session, case.township, "10000")
    payment = pay(session, case, caseworker, "cash", "800", rules, paid_on="2026-11-20", from_reserve_fund=True)
    take(session, case, "register", user(app, "county_approver_370811"), {"note": "补齐手续"}, rules, now=NOW)
    settle(session, case, caseworker, rules, now=NOW)
    assert case.state == "paid" and reconcile(session, fund.id) == (Decimal("9200.00"), Decimal("9200.00"))
    done = reverse(session, payment, caseworker, rules, "重复登记")
    movement = done.movement
    assert (movement.kind, movement.amount, movement.balance_after) == ("return", Decimal("800.00"),
                                                                         Decimal("10000.00"))
    assert (movement.payment_id, movement.case_id, movement.fund_id) == (done.reversal.id, case.id, fund.id)
    assert reconcile(session, fund.id) == (Decimal("10000.00"), Decimal("10000.00"))
    # back where an emergency's payments are recorded once registered; the pay step is not offered
    assert done.reopened and case.state == "registered" and "pay" not in offered(case, caseworker)


def test_a_failed_return_to_the_fund_records_no_reversal(app, session, rules, caseworker, monkeypatch):
    from app.services import reversals
    from app.services.reserve_funds import FundRefused

    case = emergency_case(app, session, rules, "800")
    fund = funded(app, session, case.township, "10000")
    payment = pay(session, case, caseworker, "cash", "800", rules, from_reserve_fund=True)

    def broken(*_args, **_kwargs):
        raise FundRefused("not_recorded", "the return was not recorded")

    monkeypatch.setattr(reversals, "give_back", broken)
    with pytest.raises(FundRefused):
        reverse(session, payment, caseworker, rules)
    assert session.scalar(select(Payment.id).where(Payment.reverses_id == payment.id)) is None
    assert reconcile(session, fund.id) == (Decimal("9200.00"), Decimal("9200.00"))


def test_a_transfer_reversed_before_it_was_sent_never_reaches_the_bank(app, session, rules, finance):
    county = user(app, "finance_officer_370811").region
    returned = approved_case(app, session, rules, "800", head_name="王五")
    unsent = pay(session, returned, finance, "bank_transfer", "800", rules)
    assert returned.township_id in {row["township_id"] for row in waiting(session, finance)}
    reverse(session, unsent, finance, rules, "账号有误")
    assert returned.township_id not in {row["township_id"] for row in waiting(session, finance)}
    with pytest.raises(BatchRefused) as caught:
        create_batch(session, finance, county)
    assert caught.value.code == "nothing_to_batch"
    # a transfer sent, then returned by the bank: the batch keeps it, the reversal is never sent
    sent_case = approved_case(app, session, rules, "700", head_name="孙七")
    sent = pay(session, sent_case, finance, "bank_transfer", "700", rules)
    batch = create_batch(session, finance, county)
    assert (batch.payment_count, batch.total) == (1, Decimal("700.00"))
    refused("sent_to_bank", session, sent, finance, rules)  # sent: only when the bank returned the money
    reversal = reverse(session, sent, finance, rules, "银行退回", bank_returned=True).reversal
    assert reversal.batch_id is None
    with pytest.raises(BatchRefused):
        create_batch(session, finance, county)
    session.expire_all()
    assert (session.get(Payment, sent.id).batch_id, session.get(Payment, unsent.id).batch_id) == (batch.id, None)


def test_the_ledger_shows_the_reversal_in_its_month_and_the_public_list_neither(app, session, rules, caseworker):
    first = approved_case(app, session, rules, "1800", head_name="张三丰")
    cash = pay(session, first, caseworker, "cash", "600", rules, paid_on="2026-11-20")
    pay(session, first, caseworker, "in_kind", "400", rules, paid_on="2026-11-21", items="米面油")
    other = approved_case(app, session, rules, "500", head_name="李四")
    twice = pay(session, other, caseworker, "cash", "500", rules, paid_on="2026-11-22")
    reverse(session, twice, caseworker, rules, "重复登记")  # within November (NOW: 27 November)
    reverse(session, cash, caseworker, rules, "银行卡信息有误，现金收回", now=DECEMBER)
    town = first.township.id
    november = cash_ledger(session, caseworker, town, Month.parse("2026-11"))
    assert [(r["case_number"], r["stage"], r["amount"]) for r in november.rows] == [
        (first.number, 1, Decimal("600.00")), (first.number, 2, Decimal("400.00")),
        (other.number, 1, Decimal("500.00")), (other.number, 2, Decimal("-500.00"))]
    december = cash_ledger(session, caseworker, town, Month.parse("2026-12"))
    assert [(r["case_number"], r["stage"], r["method"], r["amount"], r["reverses_stage"], r["note"])
            for r in december.rows] == [(first.number, 3, "cash", Decimal("-600.00"), 1, "银行卡信息有误，现金收回")]
    assert (december.count, december.total, december.by_method) == (1, Decimal("-600.00"),
                                                                     {"cash": (1, Decimal("-600.00"))})
    # the public list shows what stands, reversals netted: a reversed stage (within the month or after it,
    # while the list is not posted) and every reversal are left out; one row per household and cause
    public = disclosure_list(session, caseworker, town, Month.parse("2026-11"))
    assert [(r["name"], r["methods"], r["amount"]) for r in public.rows] == [("张*丰", ["in_kind"], Decimal("400.00"))]
    assert (public.households, public.total) == (1, Decimal("400.00"))
    assert disclosure_list(session, caseworker, town, Month.parse("2026-12")).rows == []
