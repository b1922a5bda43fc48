"""Government and charity aid side by side, so nobody pays twice for the same need (二、(五)).

Shown for the case's household — the same need may come back as another case — with each row saying
whether it belongs to this case. Totals are summed in SQL.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, func, select, type_coerce
from sqlalchemy.orm import Session

from app.models import AidRecord, Case, Charity, CharityProject, Referral


def _total(session: Session, column, *where) -> Decimal:
    value = session.scalar(select(type_coerce(func.coalesce(func.sum(column), 0), Numeric(12, 2))).where(*where))
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def case_aid(session: Session, case: Case) -> dict:
    """``{"government": [...], "charity": [...], "referrals": [...], "totals": {...}}`` for the household.

    Government aid is each decided case's approved amount; charity aid is each recorded aid, money or
    the value of goods and services."""
    household = case.household_id
    government = [
        {"case_id": c.id, "number": c.number, "category": c.category, "state": c.state,
         "amount": c.approved_amount, "at": c.decided_at, "this_case": c.id == case.id}
        for c in session.scalars(select(Case).where(Case.household_id == household, Case.approved_amount.is_not(None))
                                 .order_by(Case.decided_at, Case.id))]
    rows = session.execute(
        select(AidRecord, Charity.name, CharityProject.name, Case.number)
        .join(Charity, Charity.id == AidRecord.charity_id)
        .join(CharityProject, CharityProject.id == AidRecord.project_id)
        .join(Case, Case.id == AidRecord.case_id)
        .where(AidRecord.household_id == household).order_by(AidRecord.at, AidRecord.id)).all()
    charity = [{"id": r.id, "referral_id": r.referral_id, "case_id": r.case_id, "number": number, "charity": c_name,
                "project": p_name, "kind": r.kind, "amount": r.amount, "description": r.description, "at": r.at,
                "this_case": r.case_id == case.id} for r, c_name, p_name, number in rows]
    referrals = [{"id": r.id, "case_id": r.case_id, "state": r.state, "need": r.need, "gap_money": r.gap_money,
                  "this_case": r.case_id == case.id}
                 for r in session.scalars(select(Referral).where(Referral.household_id == household)
                                          .order_by(Referral.referred_at, Referral.id))]
    gov = _total(session, Case.approved_amount, Case.household_id == household)
    money = _total(session, AidRecord.amount, AidRecord.household_id == household, AidRecord.kind == "money")
    in_kind = _total(session, AidRecord.amount, AidRecord.household_id == household, AidRecord.kind != "money")
    return {"government": government, "charity": charity, "referrals": referrals,
            "totals": {"government": gov, "charity_money": money, "charity_in_kind": in_kind,
                       "all": gov + money + in_kind}}

