"""Paying decided aid (二、(四)): one approval, several payments by several methods (分阶段分方式).

A payment is recorded on a case that is decided and not yet paid: approved (expenditure, major cases) or,
for emergencies, pre-assisted or registered. Who may record one is who may take the case's ``pay``
transition in config/workflow.yaml. The stages of a case never add up to more than its approved amount;
when they reach it, the case moves to paid through the same ``pay`` transition (an emergency case paid in
full before its papers are registered moves when it is registered and :func:`settle` is called).

Two payments on one case at once must not both pass the "not above the approved amount" test: the case
row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite lets one writer at a time), and the
``(case, stage)`` unique constraint refuses a duplicate stage number whatever happens.

An emergency cash payment may be drawn from the township's reserve fund (三、(五)): the payment and the
draw are one unit — if the fund holds too little, nothing is recorded.

The ``pay`` transition itself requires the payments to cover the approved amount (its ``paid_in_full``
guard), so no screen or API call marks a case paid that was not. :class:`Progress` and :func:`progress`
live in :mod:`app.services.payment_progress`, which the workflow reads too; they are re-exported here.
A payment is undone by a reversal (:mod:`app.services.reversals`), never edited.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Case, FundMovement, Payment
from app.models.audit import utcnow
from app.models.payment import PAYMENT_METHODS
from app.rules import RuleSet
from app.rules.inputs import CST
from app.security.scope import in_scope
from app.services.audit import acting
from app.services.money import MoneyInvalid, parse_money
from app.services.payment_progress import PAY, Progress, lock_case, progress
from app.services.reserve_funds import FundRefused, draw, fund_of, standing
from app.services.workflow import role_names, take
from app.services.workflow_def import Flow, workflow

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class PaymentRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Recorded:
    """What :func:`record_payment` did: the payment, the draw on the reserve fund if any, whether the
    case is now paid in full, and warnings (a reserve fund left below its county's low-balance level)."""

    payment: Payment
    movement: FundMovement | None
    complete: bool
    warnings: list[str] = field(default_factory=list)


def _flow(case: Case) -> Flow:
    return workflow().flow_of(case)


def payable_states(case: Case) -> set[str]:
    """The states in which a case takes payments: where its approval leads (pre-assisted, approved) up to
    where ``pay`` starts from (registered, approved) — read from the workflow, not written here."""
    flow = _flow(case)
    pay = flow.transitions.get(PAY)
    if pay is None:
        return set()
    return set(pay.sources) | {t.target for t in flow.transitions.values() if t.approval}


def pay_starts_from(case: Case) -> bool:
    """Whether the case is in a state its ``pay`` transition starts from (it can be marked paid now)."""
    pay = _flow(case).transitions.get(PAY)
    return pay is not None and case.state in pay.sources


def may_pay(case: Case, user) -> bool:
    """Whether the user holds a role the workflow lets take ``pay`` on this case (the screens' button)."""
    pay = _flow(case).transitions.get(PAY)
    return pay is not None and bool(role_names(user) & set(pay.roles))


def _paid_on(value, case: Case, now: dt.datetime) -> dt.date:
    """The day paid: given or today; never in the future, never before the application (as the workflow
    checks the ``pay`` date)."""
    today = now.astimezone(CST).date()
    if value in (None, ""):
        return today
    if isinstance(value, dt.date):
        day = value
    elif not ISO_DAY.match(str(value)):
        raise PaymentRefused("date_invalid", "the date must be YYYY-MM-DD")
    else:
        try:
            day = dt.date.fromisoformat(str(value))
        except ValueError:
            raise PaymentRefused("date_invalid", "the date must be YYYY-MM-DD") from None
    if day > today or day < case.application_date:
        raise PaymentRefused("date_invalid", "the date must lie between the application and today")
    return day


def _text(value, limit: int = 500) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    return text[:limit] or None


def _amount(method: str, value) -> Decimal:
    try:
        return parse_money(value if value not in (None, "") else "", allow_zero=method == "referral")
    except MoneyInvalid as exc:
        raise PaymentRefused("amount_invalid", str(exc)) from None


def record_payment(session: Session, case: Case, user, method: str, amount, rules: RuleSet, paid_on=None,
                   items: str | None = None, note: str | None = None, from_reserve_fund: bool = False,
                   now: dt.datetime | None = None) -> Recorded:
    """Record one payment (the next stage) on ``case``; move the case to paid when it is paid in full."""
    now = now or utcnow()
    if method not in PAYMENT_METHODS:
        raise PaymentRefused("method_invalid", f"the method is one of {', '.join(PAYMENT_METHODS)}")
    if not may_pay(case, user):
        raise PaymentRefused("role", "your role may not pay this case")
    if not in_scope(case, user):
        raise PaymentRefused("scope", "case outside your jurisdiction")
    lock_case(session, case)
    if case.state not in payable_states(case) or not case.decided or case.approved_amount is None:
        raise PaymentRefused("not_payable", f"a case in state {case.state} takes no payment")
    value = _amount(method, amount)
    day = _paid_on(paid_on, case, now)
    items, note = _text(items), _text(note)
    if method in ("in_kind", "referral") and items is None:
        raise PaymentRefused("field_required:items", "say what was given in kind, or to whom the case was referred")
    if method == "bank_transfer" and not case.household.bank_account:
        raise PaymentRefused("no_bank_account", "the household has no bank account for a transfer")
    if from_reserve_fund and (method != "cash" or case.kind != "emergency"):
        raise PaymentRefused("reserve_fund_for_emergency_cash",
                             "the reserve fund pays emergency cases in cash only")
    before = progress(session, case.id)
    if before.paid + value > before.approved:
        raise PaymentRefused("above_approved", f"{value} is more than the {before.remaining} still to pay "
                                               f"of the approved {before.approved}")
    fund = fund_of(session, case.township_id) if from_reserve_fund else None
    if from_reserve_fund and fund is None:
        raise PaymentRefused("no_reserve_fund", "the township has no reserve fund")
    movement, warnings = None, []
    with session.begin_nested():  # the payment and its draw stand or fall together
        payment = Payment(case=case, household_id=case.household_id, county_id=case.county_id,
                          township_id=case.township_id, stage=before.stages + 1, method=method, amount=value,
                          items=items, paid_on=day, paid_by_id=user.id, recorded_at=now, note=note)
        session.add(payment)
        with acting(session, user.id, "payment", note=f"{method} {value}"):
            session.flush()
        if fund is not None:
            try:
                movement = draw(session, fund, value, f"{case.number} #{payment.stage}", user, payment=payment,
                                case_id=case.id, now=now)
            except FundRefused as exc:
                raise PaymentRefused(exc.code, exc.message) from None
            if standing(rules, fund, day).low:
                warnings.append("reserve_fund_low")
    complete = before.paid + value == before.approved
    if complete and pay_starts_from(case):
        take(session, case, PAY, user, {"date": day.isoformat()}, rules, now=now)
    return Recorded(payment, movement, complete, warnings)


def settle(session: Session, case: Case, user, rules: RuleSet, now: dt.datetime | None = None) -> Case:
    """Move a case paid in full to paid (an emergency case paid before its papers were registered),
    dated the day of its last payment."""
    if not may_pay(case, user):
        raise PaymentRefused("role", "your role may not pay this case")
    if not in_scope(case, user):
        raise PaymentRefused("scope", "case outside your jurisdiction")
    lock_case(session, case)
    if not progress(session, case.id).complete:
        raise PaymentRefused("not_complete", "the case is not paid in full yet")
    if not pay_starts_from(case):
        raise PaymentRefused("not_available", f"a case in state {case.state} cannot be marked paid")
    last = session.scalar(select(func.max(Payment.paid_on)).where(Payment.case_id == case.id))
    return take(session, case, PAY, user, {"date": last.isoformat()}, rules, now=now)


def payments_of(session: Session, case_id: int) -> list[Payment]:
    """A case's payments and reversals, by stage, with who paid and the batch (one query)."""
    return list(session.scalars(select(Payment).where(Payment.case_id == case_id)
                                .options(joinedload(Payment.paid_by), joinedload(Payment.batch))
                                .order_by(Payment.stage)))


def reversed_by(payments: list[Payment]) -> dict[int, Payment]:
    """Of a case's payments (as :func:`payments_of` lists them), each reversed payment's id → its reversal."""
    return {p.reverses_id: p for p in payments if p.reverses_id is not None}


__all__ = ["PAY", "PaymentRefused", "Progress", "Recorded", "lock_case", "may_pay", "pay_starts_from",
           "payable_states", "payments_of", "progress", "record_payment", "reversed_by", "settle"]
