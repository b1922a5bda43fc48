"""Which townships a user works for: the choices of the finance screens (ledger, disclosure list,
reserve funds, bank batches) and the check behind them, by the same rule as the row filters of
:mod:`app.security.scope` (city: all; county: its townships; township: its own)."""
from __future__ import annotations

from sqlalchemy import false, select, true
from sqlalchemy.orm import Session

from app.models import Region
from app.security.scope import county_id_of, user_scope


def township_in_scope(township: Region | None, user) -> bool:
    if township is None or township.level != "township" or user is None:
        return False
    scope = user_scope(user)
    if scope == "city":
        return True
    if scope == "county":
        return township.parent_id is not None and township.parent_id == county_id_of(user.region)
    return scope == "township" and user.region is not None and user.region.id == township.id


def county_in_scope(county: Region | None, user) -> bool:
    """A county the user may act on as a whole (a bank batch over all its townships)."""
    if county is None or county.level != "county" or user is None:
        return False
    scope = user_scope(user)
    return scope == "city" or (scope == "county" and county_id_of(user.region) == county.id)


def _township_clause(user):
    scope = user_scope(user) if user is not None else None
    if scope == "city":
        return true()
    if scope == "county" and county_id_of(user.region) is not None:
        return Region.parent_id == county_id_of(user.region)
    if scope == "township" and user.region is not None:
        return Region.id == user.region.id
    return false()


def townships_in_scope(session: Session, user) -> list[Region]:
    """The townships the user may choose, by county and code."""
    return list(session.scalars(select(Region).where(Region.level == "township", _township_clause(user))
                                .order_by(Region.parent_id, Region.code)))


def counties_in_scope(session: Session, user) -> list[Region]:
    scope = user_scope(user) if user is not None else None
    clause = true() if scope == "city" else (
        Region.id == county_id_of(user.region) if scope == "county" and county_id_of(user.region) else false())
    return list(session.scalars(select(Region).where(Region.level == "county", clause).order_by(Region.code)))
