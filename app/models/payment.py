"""Payments of decided aid (二、(四)) and the bank-transfer batches they are sent to the bank in.

One approval, several payments (分阶段分方式): each payment is a numbered stage of its case, by bank
transfer (the rule: 社会化发放), in cash or in kind (urgent cases, then with a ledger and public
disclosure) or as a referral service. ``amount`` is the money paid, or the value in yuan of the goods
given in kind (zero for a referral service); the stages of a case never add up to more than its approved
amount (:mod:`app.services.payments`).

Payments are appended, never edited or deleted: a payment once recorded is money out of the door. Case,
household and regions are copied onto the payment so ledgers, disclosure lists and jurisdiction filters
are single indexed queries without joins through the case.

A mistaken or returned payment (the bank sent a transfer back, cash was recorded twice) is undone by a
reversal (冲正, :mod:`app.services.reversals`): a new row, the next stage of the case, pointing at the
payment it reverses and carrying its amount negated, so every SUM over a case's, a month's or a
township's payments nets it out without knowing about reversals. The database keeps the shape: a payment
is reversed at most once (unique ``reverses_id``), only a reversal is negative, and a reversal is never
sent to the bank.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.case import Case
from app.models.household import Household
from app.models.region import Region
from app.models.user import TempaidUser

PAYMENT_METHODS = ("bank_transfer", "cash", "in_kind", "referral")
#: paid by hand: these go into the working ledger (工作台账) and need the public disclosure (二、(四))
BY_HAND = ("cash", "in_kind")
#: a payment is zero or more; only a reversal is negative (zero: the reversal of a referral service)
AMOUNT_SIGN = "(reverses_id IS NULL AND amount >= 0) OR (reverses_id IS NOT NULL AND amount <= 0)"
#: the rows the partial index of unsent bank transfers covers
UNBATCHED = "batch_id IS NULL AND method = 'bank_transfer' AND reverses_id IS NULL"


class PaymentBatch(Model):
    """One bank-transfer file for socialised payment: the payments it holds point to it, so a payment
    is sent to the bank once. A batch covers a county, or one township of it when ``township_id`` is set."""

    __tablename__ = "payment_batch"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    township_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"), index=True)
    payment_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=Decimal("0"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    note: Mapped[Optional[str]] = mapped_column(String(500))

    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    township: Mapped[Optional[Region]] = relationship(foreign_keys=[township_id])
    created_by: Mapped[TempaidUser] = relationship(foreign_keys=[created_by_id])

    def __repr__(self) -> str:
        return self.number


class Payment(Model):
    __tablename__ = "payment"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        UniqueConstraint("case_id", "stage", name="uq_payment_case_stage"),
        CheckConstraint("method IN ('bank_transfer', 'cash', 'in_kind', 'referral')", name="ck_payment_method"),
        CheckConstraint(AMOUNT_SIGN, name="ck_payment_amount"),
        CheckConstraint("stage >= 1", name="ck_payment_stage"),
        CheckConstraint("reverses_id IS NULL OR batch_id IS NULL", name="ck_payment_reversal_unbatched"),
        UniqueConstraint("reverses_id", name="uq_payment_reverses"),
        # ledgers and disclosure lists: one township, one month
        Index("ix_payment_township_paid_on", "township_id", "paid_on"),
        Index("ix_payment_county_paid_on", "county_id", "paid_on"),
        # the city's dashboard: the days of a period's partial months, city-wide (migration 0015)
        Index("ix_payment_paid_on", "paid_on"),
        # the next bank batch: the bank transfers not yet sent (a reversal is never sent)
        Index("ix_payment_unbatched", "county_id", "township_id",
              sqlite_where=text(UNBATCHED), postgresql_where=text(UNBATCHED)),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), nullable=False, index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    stage: Mapped[int] = mapped_column(Integer, nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    items: Mapped[Optional[str]] = mapped_column(String(500))  # in kind: what was given; referral: to whom
    paid_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    paid_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    batch_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment_batch.id"), index=True)
    note: Mapped[Optional[str]] = mapped_column(String(500))  # a reversal: why
    reverses_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment.id", name="fk_payment_reverses_id"))

    case: Mapped[Case] = relationship()
    household: Mapped[Household] = relationship()
    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    paid_by: Mapped[TempaidUser] = relationship(foreign_keys=[paid_by_id])
    batch: Mapped[Optional[PaymentBatch]] = relationship()
    reverses: Mapped[Optional[Payment]] = relationship(remote_side=[id], foreign_keys=[reverses_id])

    def __repr__(self) -> str:
        return f"{self.method} {self.amount}"
