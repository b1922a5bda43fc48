"""Township reserve funds (备用金, 三、(五)): allocations in, draws for emergency payments, returns.

Why conditional UPDATEs: a balance read in Python and written back loses money when two payments draw
at once. Every change here is one ``UPDATE reserve_fund SET balance = balance ± x WHERE id = :id [AND
there is enough]`` whose row count (and the balance it returns) says whether it happened. On PostgreSQL
the second of two concurrent UPDATEs waits for the first's row lock and then tests its WHERE clause on
the new balance; SQLite lets one writer at a time. Either way the balance never goes below zero, and the
database's CHECK (balance >= 0) would refuse if code ever tried.

Each change writes one :class:`~app.models.FundMovement` (signed amount, balance after it, who, why), so
the movements of a fund add up to its balance (:func:`reconcile`). The movements are the audit trail of
the balance; the UPDATE itself bypasses the ORM hook on purpose.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import FundMovement, Region, ReserveFund
from app.models.audit import utcnow
from app.models.reserve_fund import INFLOW_KINDS
from app.rules import RuleSet
from app.services.audit import acting
from app.services.money import (
    HALF_FEN,
    MoneyInvalid,
    fen,
    parse_money,
    round_fen,
    sum_fen,
)
from app.services.townships import township_in_scope


class FundRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def fund_of(session: Session, township_id: int) -> ReserveFund | None:
    return session.scalar(select(ReserveFund).where(ReserveFund.township_id == township_id))


def _open_fund(session: Session, township: Region, user) -> ReserveFund:
    """The township's fund, opened with a zero balance on its first allocation. Two first allocations at
    once both end up with the one fund: the unique township column refuses the second INSERT."""
    fund = fund_of(session, township.id)
    if fund is not None:
        return fund
    try:
        with session.begin_nested(), acting(session, user.id, "open"):
            fund = ReserveFund(township=township, county_id=township.parent_id, balance=Decimal("0.00"),
                               created_at=utcnow())
            session.add(fund)
            session.flush()
    except IntegrityError:
        fund = fund_of(session, township.id)
        if fund is None:
            raise
    return fund


def _move(session: Session, fund: ReserveFund, kind: str, signed: Decimal, reason: str, user,
          payment=None, case_id: int | None = None, now: dt.datetime | None = None) -> FundMovement | None:
    """Apply ``signed`` to the balance if it stays at or above zero; record the movement. None if refused."""
    session.flush()
    delta = literal(signed)
    row = session.execute(
        update(ReserveFund)
        .where(ReserveFund.id == fund.id, ReserveFund.balance + delta > -HALF_FEN)
        .values(balance=round_fen(ReserveFund.balance + delta))
        .returning(ReserveFund.balance)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    movement = FundMovement(fund_id=fund.id, county_id=fund.county_id, township_id=fund.township_id, kind=kind,
                            amount=signed, balance_after=fen(row[0]), reason=reason[:500], user_id=user.id,
                            at=now or utcnow(), payment=payment, case_id=case_id)
    session.add(movement)
    with acting(session, user.id, kind):
        session.flush()
    session.expire(fund, ["balance"])
    return movement


def _reason(reason) -> str:
    text = (reason or "").strip() if isinstance(reason, str) or reason is None else str(reason).strip()
    if not text:
        raise FundRefused("field_required:reason", "say why the money moves")
    return text


#: an amount as a person types it: ASCII digits, at most two decimals (no ``1e5``, no full-width digits)
TYPED_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")


def _amount(value) -> Decimal:
    if isinstance(value, str) and not TYPED_AMOUNT.fullmatch(value.strip()):
        raise FundRefused("amount_invalid", "the amount is written with the digits 0-9 and at most two decimals")
    try:
        return parse_money(value)
    except MoneyInvalid as exc:
        raise FundRefused("amount_invalid", str(exc)) from None


def confirm_above() -> Decimal:
    """The allocation above which the officer confirms the amount (``RESERVE_FUND_CONFIRM_ABOVE``)."""
    return Decimal(str(current_app.config["RESERVE_FUND_CONFIRM_ABOVE"]))


def returnable(session: Session, fund: ReserveFund) -> Decimal:
    """What may still be given back by hand: the draws less every return so far (one SUM)."""
    drawn, returned = session.execute(
        select(func.coalesce(func.sum(-FundMovement.amount).filter(FundMovement.kind == "draw"), 0),
               func.coalesce(func.sum(FundMovement.amount).filter(FundMovement.kind == "return"), 0))
        .where(FundMovement.fund_id == fund.id)).one()
    return fen(drawn) - fen(returned)


def allocate(session: Session, township: Region, kind: str, amount, reason: str, user,
             now: dt.datetime | None = None, confirmed: bool = False) -> FundMovement:
    """Money into a township's fund: its own funds (``allocation_own``), a county allocation
    (``allocation_county``) or money given back (``return``). Opens the fund on its first allocation.

    A return never exceeds what was drawn from the fund and not yet returned; an amount above the
    plausibility limit (:func:`confirm_above`) is recorded only ``confirmed`` (a typo of three zeros
    is the likelier story)."""
    if kind not in INFLOW_KINDS:
        raise FundRefused("kind_invalid", f"money comes in as one of {', '.join(INFLOW_KINDS)}")
    if township is None or township.level != "township":
        raise FundRefused("township_invalid", "reserve funds are kept by townships and streets")
    if not township_in_scope(township, user):
        raise FundRefused("scope", "township outside your jurisdiction")
    value, why = _amount(amount), _reason(reason)
    if value > confirm_above() and not confirmed:
        raise FundRefused("confirm_large", f"{value} is above {confirm_above()}: confirm the amount")
    fund = _open_fund(session, township, user)
    if kind == "return":
        session.execute(select(ReserveFund.id).where(ReserveFund.id == fund.id).with_for_update())
        if value > returnable(session, fund):
            raise FundRefused("above_drawn", f"{value} is more than the {returnable(session, fund)} drawn and "
                                             "not yet returned")
    movement = _move(session, fund, kind, value, why, user, now=now)
    if movement is None:  # adding money never leaves a balance below zero
        raise FundRefused("not_recorded", "the allocation was not recorded")
    return movement


def draw(session: Session, fund: ReserveFund, amount, reason: str, user, payment=None, case_id: int | None = None,
         now: dt.datetime | None = None) -> FundMovement:
    """Money out of a fund for an emergency payment; refused with ``insufficient_funds`` (nothing
    changed) when the balance would go below zero."""
    value, why = _amount(amount), _reason(reason)
    movement = _move(session, fund, "draw", -value, why, user, payment=payment, case_id=case_id, now=now)
    if movement is None:
        raise FundRefused("insufficient_funds", f"the reserve fund holds less than {value}")
    return movement


def give_back(session: Session, fund: ReserveFund, amount, reason: str, user, payment=None,
              case_id: int | None = None, now: dt.datetime | None = None) -> FundMovement:
    """Money back into a fund when a payment drawn from it is reversed (``return``, linked to the
    reversal). Part of the reversal's transaction, so it needs no jurisdiction check of its own."""
    value, why = _amount(amount), _reason(reason)
    movement = _move(session, fund, "return", value, why, user, payment=payment, case_id=case_id, now=now)
    if movement is None:  # adding money never leaves a balance below zero
        raise FundRefused("not_recorded", "the return was not recorded")
    return movement


def low_balance_level(rules: RuleSet, county_code: str, day: dt.date) -> Decimal | None:
    """The county's ``reserve_fund.low_balance`` in force on ``day`` (None: the county sets none)."""
    try:
        value = rules.effective(county_code, day)["reserve_fund"]["low_balance"]["value"]
    except KeyError:
        return None
    return None if value is None else fen(value)


@dataclass(frozen=True)
class Standing:
    """A fund's balance against its county's low-balance level, for lists and warnings."""

    balance: Decimal
    level: Decimal | None

    @property
    def low(self) -> bool:
        return self.level is not None and self.balance < self.level


def standing(rules: RuleSet, fund: ReserveFund, day: dt.date) -> Standing:
    return Standing(fen(fund.balance), low_balance_level(rules, fund.county.code, day))


def reconcile(session: Session, fund_id: int) -> tuple[Decimal, Decimal]:
    """``(balance, sum of movements)`` of a fund, both from the database: they are always equal."""
    balance = session.scalar(select(ReserveFund.balance).where(ReserveFund.id == fund_id))
    moved = session.scalar(select(sum_fen(FundMovement.amount)).where(FundMovement.fund_id == fund_id))
    return fen(balance), fen(moved)
