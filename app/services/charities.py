"""The charity register: charities, their projects, and who may keep them.

A project's ``remaining`` is spent by aid (:mod:`app.services.referrals`) while an administrator may
change its budget: both are single conditional UPDATEs, so neither overwrites the other and the
remainder never falls below zero.
"""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, func, literal, select, type_coerce, update
from sqlalchemy.orm import Session

from app.models import AuditEntry, Charity, CharityProject, Region
from app.models.audit import utcnow
from app.security.scope import county_id_of, user_scope
from app.services.money import MoneyInvalid, parse_money

#: half a fen: SQLite keeps Numeric as binary floating point, so sums are compared within it
HALF_FEN = Decimal("0.005")


class CharityRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def money(value, allow_zero: bool = True) -> Decimal:
    """A sum in yuan and fen, as Decimal, by the one rule for money (:func:`app.services.money.parse_money`);
    raises CharityRefused("amount_invalid")."""
    try:
        return parse_money(value, allow_zero=allow_zero)
    except MoneyInvalid as exc:
        raise CharityRefused("amount_invalid", str(exc)) from None


def fen(value) -> Decimal:
    """A stored sum as Decimal in fen (SQLite may hand back a float)."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def round_fen(expression):
    """Round a money expression to fen in SQL (exact on PostgreSQL; clears float noise on SQLite)."""
    return type_coerce(func.round(expression, 2), Numeric(12, 2))


def charity_for_region(session: Session, region: Region) -> Charity:
    """The first charity of a region, created (``<region>慈善总会``) if it has none: demo and test users."""
    charity = session.scalar(select(Charity).where(Charity.region_id == region.id).order_by(Charity.id))
    if charity is None:
        charity = Charity(name=f"{region.name}慈善总会", region=region)
        session.add(charity)
        session.flush()
    return charity


def may_manage(charity: Charity, user) -> bool:
    """The city keeps every charity of the register; a county keeps the charities of its county."""
    scope = user_scope(user)
    if scope == "city":
        return True
    region_id = charity.region.id if charity.region is not None else charity.region_id
    return scope == "county" and region_id is not None and region_id == county_id_of(user.region)


def prepare_new_project(project: CharityProject) -> None:
    """A new project starts with its whole budget left, serving its charity's region unless told."""
    project.budget = money(project.budget if project.budget is not None else "0")
    project.remaining = project.budget
    if not project.regions and project.charity is not None:
        project.regions = [project.charity.region]


def change_budget(session: Session, project: CharityProject, new_budget, user) -> CharityProject:
    """Set a project's budget; what remains moves by the same difference, in one conditional UPDATE
    that refuses a budget below what was already spent."""
    new_budget = money(new_budget)
    row = session.execute(
        update(CharityProject)
        .where(CharityProject.id == project.id,
               CharityProject.remaining + (literal(new_budget) - CharityProject.budget) > -HALF_FEN)
        .values(remaining=round_fen(CharityProject.remaining + (literal(new_budget) - CharityProject.budget)),
                budget=new_budget)
        .returning(CharityProject.remaining)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        raise CharityRefused("budget_below_spent", "the budget cannot be less than what was already spent")
    before = {"budget": str(project.budget), "remaining": str(project.remaining)}
    session.add(AuditEntry(at=utcnow(), user_id=getattr(user, "id", None), target="charity_project",
                           target_id=project.id, action="budget", before=before,
                           after={"budget": str(new_budget), "remaining": str(fen(row[0]))}))
    session.flush()
    session.expire(project, ["budget", "remaining"])
    return project
