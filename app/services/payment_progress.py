"""How far a case is paid: its approved amount against the sum of its payments, in SQL.

Its own small module because both sides need it: :mod:`app.services.payments` records payments and takes
workflow transitions, and the workflow (:mod:`app.services.workflow`, through its guards and adjustments)
asks whether a case is paid in full before it lets anyone mark it paid or lower its amount. Neither may
import the other for it. The case-row lock they all take lives here for the same reason.

Reversals (冲正) are payment rows with the amount negated, so the plain SUM nets them out; the clauses
here name the payments that still stand for the lists that must not show what was undone.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.models import Case, Payment
from app.services.money import fen, sum_fen

PAY = "pay"  # the transition of config/workflow.yaml that marks a case paid
REOPEN = "reopen_payment"  # the internal transition that takes a paid case back when a reversal undoes it


@dataclass(frozen=True)
class Progress:
    """``paid`` nets reversals out; ``stages`` counts every row, reversals included (the next stage is
    ``stages + 1``)."""

    approved: Decimal | None
    paid: Decimal
    stages: int

    @property
    def remaining(self) -> Decimal | None:
        return None if self.approved is None else self.approved - self.paid

    @property
    def complete(self) -> bool:
        return self.approved is not None and self.paid >= self.approved


def progress(session: Session, case_id: int) -> Progress:
    """Approved, paid so far and number of stages, summed in SQL."""
    approved = session.scalar(select(Case.approved_amount).where(Case.id == case_id))
    paid, stages = session.execute(select(sum_fen(Payment.amount), func.count(Payment.id))
                                   .where(Payment.case_id == case_id)).one()
    return Progress(None if approved is None else fen(approved), fen(paid), stages or 0)


def lock_case(session: Session, case: Case) -> None:
    """Lock the case row until the transaction ends and read it afresh (what another payment committed):
    whoever records, reverses or adjusts against what was paid holds it. Locked by id, then refreshed: a
    FOR UPDATE on the refresh would also take whatever eager loads the object came with, which PostgreSQL
    refuses on the nullable side of an outer join. SQLite lets one writer at a time anyway."""
    session.flush()
    session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    session.refresh(case)


def reversed_clause(payment=Payment, by=None):
    """``payment`` has been reversed (a reversal points at it) — one indexed EXISTS; with ``by``, only a
    reversal recorded before that day counts (what a list of a past month showed when it was made)."""
    reversal = aliased(Payment)
    query = select(reversal.id).where(reversal.reverses_id == payment.id)
    if by is not None:
        query = query.where(reversal.paid_on < by)
    return query.exists()


def standing_clauses(payment=Payment, by=None) -> list:
    """The payments that stand: not a reversal and not reversed (disclosure lists, bank batches); with
    ``by``, not reversed before that day — a month's disclosure list stays as it was posted when a
    payment of that month is reversed later (the cash ledger shows the reversal in its own month)."""
    return [payment.reverses_id.is_(None), ~reversed_clause(payment, by)]
