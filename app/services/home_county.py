"""What a home county sees of its people helped elsewhere (急难发生地实施救助): that a case exists — its
number, category, state and amounts, the county helping and the masked name — and nothing else of theirs.
One query, scoped by :func:`app.security.scope.home_county_clause`, newest first, paginated."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.models import Case, Household, Region
from app.security.scope import home_county_clause
from app.services.ledgers import public_name


def _money(value) -> str | None:
    return None if value is None else str(value)


def home_county_cases(session: Session, user, page: int = 0, page_size: int = 50) -> tuple[int, list[dict]]:
    clause = home_county_clause(user)
    county = aliased(Region)
    total = session.scalar(select(func.count(Case.id)).where(clause))
    rows = session.execute(
        select(Case.number, Case.category, Case.state, Case.suggested_amount, Case.approved_amount,
               Case.application_date, Household.head_name, county.code)
        .join(Household, Household.id == Case.household_id).join(county, county.id == Case.county_id)
        .where(clause).order_by(Case.application_date.desc(), Case.id.desc())
        .limit(page_size).offset(page * page_size))
    return total, [{"number": r.number, "name": public_name(r.head_name), "category": r.category, "state": r.state,
                    "suggested_amount": _money(r.suggested_amount), "approved_amount": _money(r.approved_amount),
                    "application_date": r.application_date.isoformat(), "county": r.code} for r in rows]
