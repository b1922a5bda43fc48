"""Township reserve funds (临时救助备用金, 三、(五)) and every movement in and out of them.

A township's fund is filled from its own money and by county allocations and drawn on for emergency
cash payments, so aid can be paid the same day. Its ``balance`` changes only by conditional UPDATEs in
:mod:`app.services.reserve_funds`, each writing one :class:`FundMovement` with the balance after it, so
the movements of a fund always add up to its balance. The balance can never be negative: the UPDATE
refuses, and the database's CHECK refuses too.

``amount`` is signed: money in (allocations, returns) is positive, a draw is negative.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.case import Case
from app.models.payment import Payment
from app.models.region import Region
from app.models.user import TempaidUser

#: allocation_own: the township's own funds; allocation_county: allocated by the county; return: money
#: given back into the fund (aid not handed out, or a drawn payment reversed); draw: taken out for an
#: emergency payment
MOVEMENT_KINDS = ("allocation_own", "allocation_county", "return", "draw")
INFLOW_KINDS = ("allocation_own", "allocation_county", "return")


class ReserveFund(Model):
    __tablename__ = "reserve_fund"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (CheckConstraint("balance >= 0", name="ck_reserve_fund_balance"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), unique=True, nullable=False)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    balance: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False, default=Decimal("0"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    county: Mapped[Region] = relationship(foreign_keys=[county_id])

    def __repr__(self) -> str:
        return self.township.name if self.township is not None else f"#{self.id}"


class FundMovement(Model):
    __tablename__ = "fund_movement"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        CheckConstraint("kind IN ('allocation_own', 'allocation_county', 'return', 'draw')",
                        name="ck_fund_movement_kind"),
        CheckConstraint("(kind = 'draw' AND amount < 0) OR (kind <> 'draw' AND amount > 0)",
                        name="ck_fund_movement_sign"),
        CheckConstraint("balance_after >= 0", name="ck_fund_movement_balance_after"),
        Index("ix_fund_movement_fund_at", "fund_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("reserve_fund.id"), nullable=False)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    balance_after: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    # a draw pays one payment, and a payment draws once; the return of a reversed draw points at the reversal
    payment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("payment.id"), unique=True)
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("aid_case.id"), index=True)

    fund: Mapped[ReserveFund] = relationship()
    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    user: Mapped[TempaidUser] = relationship()
    payment: Mapped[Optional[Payment]] = relationship()
    case: Mapped[Optional[Case]] = relationship()

    def __repr__(self) -> str:
        return f"{self.kind} {self.amount}"
