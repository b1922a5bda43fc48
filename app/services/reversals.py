"""Reversing a payment (冲正): the bank sent a transfer back, cash was recorded twice, goods never left.

A payment is money out of the door and is never edited or deleted; it is undone by a new payment row, the
next stage of the case, that points at it (``reverses_id``) and carries its amount negated — so every sum
over payments (what a case was paid, a ledger's month, a batch, a disclosure list) nets it out in SQL.
The reversal is dated the day it is recorded: the cash ledger shows it as a negative line in that month.

Who may reverse is who may pay the case (its ``pay`` transition), in their jurisdiction, with a reason.
A payment is reversed at most once (the database's unique ``reverses_id`` refuses a second reversal
even when two officers press at once), a reversal is never reversed, and a closed case's payments stay
as they were closed. Consequences, in the same transaction:

- a payment drawn from the township's reserve fund gives its amount back to the fund (a ``return``
  movement by the same conditional UPDATE as every other movement);
- a case marked paid that the reversal leaves short goes back to where payments are recorded, through the
  workflow's internal ``reopen_payment`` transition (on the trail like any other step);
- an unsent bank transfer, once reversed, is never put in a bank batch (:mod:`app.services.batches`).

The case row and the payment row are locked first: against a payment recorded on the case at the same
moment, and against a bank batch taking the transfer (it then either took it before — a sent transfer
the bank returned — or finds it reversed).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Case, FundMovement, Payment
from app.models.audit import utcnow
from app.rules import RuleSet
from app.rules.inputs import CST
from app.security.scope import in_scope
from app.services.audit import acting
from app.services.guards import failing
from app.services.money import fen
from app.services.payment_progress import REOPEN, Progress, progress
from app.services.payments import (
    PaymentRefused,
    lock_case,
    may_pay,
    payable_states,
    payments_of,
    reversed_by,
)
from app.services.reserve_funds import give_back
from app.services.workflow import take
from app.services.workflow_def import workflow

ZERO = Decimal("0.00")


@dataclass
class Reversed:
    """What :func:`reverse_payment` did: the reversal, the money given back to the reserve fund if the
    payment was drawn from it, and whether the case went back from paid to taking payments."""

    reversal: Payment
    movement: FundMovement | None
    reopened: bool


def reversible_states(case: Case) -> set[str]:
    """Where a case's payments may be reversed: where payments are recorded, and paid (which the
    reversal can take back); not closed."""
    reopen = workflow().flow_of(case).transitions.get(REOPEN)
    return payable_states(case) | (set(reopen.sources) if reopen is not None else set())


def may_reverse(case: Case, payment: Payment, user, reversed_ids) -> bool:
    """Whether a screen offers "Reverse" on this payment (``reversed_ids``: the case's reversed payments)."""
    return (payment.reverses_id is None and payment.id not in reversed_ids and case.state in reversible_states(case)
            and may_pay(case, user))


def _reason(value) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if not text:
        raise PaymentRefused("field_required:reason", "say why the payment is reversed")
    return text[:500]


def _reversal_of(session: Session, payment_id: int) -> int | None:
    return session.scalar(select(Payment.id).where(Payment.reverses_id == payment_id))


def reverse_payment(session: Session, payment: Payment, user, reason, rules: RuleSet,
                    now: dt.datetime | None = None, bank_returned: bool = False) -> Reversed:
    """Record the reversal of ``payment`` by ``user`` for ``reason``, with its consequences. A transfer
    already sent to the bank (in a batch) is reversed only with ``bank_returned``: the officer says the
    bank sent the money back — so a reversal meant for an unsent transfer never undoes one that a batch
    took meanwhile (it is refused, and the officer sees the batch)."""
    now = now or utcnow()
    case = payment.case
    if not may_pay(case, user):
        raise PaymentRefused("role", "your role may not pay this case, so it may not reverse its payments")
    if not in_scope(case, user):
        raise PaymentRefused("scope", "case outside your jurisdiction")
    why = _reason(reason)
    lock_case(session, case)
    # the payment's row too (a batch's UPDATE waits for it); by id, whatever eager loads fetched the object
    session.execute(select(Payment.id).where(Payment.id == payment.id).with_for_update())
    session.refresh(payment, ["batch_id", "reverses_id"])
    if payment.reverses_id is not None:
        raise PaymentRefused("is_reversal", "a reversal is never reversed: record a new payment instead")
    if _reversal_of(session, payment.id) is not None:
        raise PaymentRefused("already_reversed", f"stage {payment.stage} was reversed already")
    if payment.batch_id is not None and not bank_returned:
        raise PaymentRefused("sent_to_bank", f"stage {payment.stage} went to the bank in a batch: reverse it "
                                             "only when the bank has returned the money, and say so")
    if case.state not in reversible_states(case):
        raise PaymentRefused("case_closed", f"the case is {case.state}: the payments of a closed case are not "
                                            "reversed")
    drawn = session.scalar(select(FundMovement).where(FundMovement.payment_id == payment.id,
                                                      FundMovement.kind == "draw"))
    amount = fen(payment.amount)
    movement = None
    try:
        with session.begin_nested():  # the reversal and the money back to the fund stand or fall together
            reversal = Payment(case=case, household_id=payment.household_id, county_id=payment.county_id,
                               township_id=payment.township_id, stage=progress(session, case.id).stages + 1,
                               method=payment.method, amount=ZERO - amount, items=payment.items,
                               paid_on=now.astimezone(CST).date(), paid_by_id=user.id, recorded_at=now, note=why,
                               reverses_id=payment.id)
            session.add(reversal)
            with acting(session, user.id, "reverse", note=why):
                session.flush()
            if drawn is not None:
                movement = give_back(session, drawn.fund, amount, f"{case.number} #{reversal.stage} "
                                     f"(-#{payment.stage}) {why}", user, payment=reversal, case_id=case.id, now=now)
    except IntegrityError:
        if _reversal_of(session, payment.id) is not None:  # another officer reversed it meanwhile
            raise PaymentRefused("already_reversed", f"stage {payment.stage} was reversed already") from None
        raise
    reopened = False
    reopen = workflow().flow_of(case).transitions.get(REOPEN)
    if reopen is not None and case.state in reopen.sources and failing(session, case, reopen.requires) is None:
        take(session, case, REOPEN, user, {"reason": why}, rules, now=now, internal=True)
        reopened = True
    return Reversed(reversal, movement, reopened)


@dataclass
class CasePayments:
    """A case's payments as the screens list them: by stage, each reversed one with its reversal, the
    stage of every row (a reversal names the stage it undoes) and which the viewer may reverse."""

    payments: list[Payment]
    progress: Progress
    reversed_by: dict[int, Payment]
    stage_of: dict[int, int]
    reversible: set[int]


def case_payments(session: Session, case: Case, user) -> CasePayments:
    """Two queries whatever the number of payments: the rows and the sums."""
    payments = payments_of(session, case.id)
    undone = reversed_by(payments)
    return CasePayments(payments, progress(session, case.id), undone, {p.id: p.stage for p in payments},
                        {p.id for p in payments if may_reverse(case, p, user, undone)})
