"""Where and when an indicator is counted: an area (the city, a county, a township) and a period.

Why its own module: every figure, breakdown and export asks the same two questions — which rows lie in
the area, and which fall in the period — and a user may only ask them of an area inside their own scope
(:func:`area_for`). Periods are days in China Standard Time; a time column is compared with the UTC
moments those days begin and end.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from app.models import Region
from app.rules.inputs import CST
from app.security.scope import county_id_of, user_scope

CHILD_LEVEL = {"city": "county", "county": "township", "township": None}


class AreaRefused(Exception):
    """The area asked for is not one the user may see, or does not exist."""


@dataclass(frozen=True)
class Area:
    """``level`` city, county or township; ``region_id`` None for the whole city."""

    level: str
    region_id: int | None
    name: str = ""

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL[self.level]

    def clause(self, model):
        """SQL: the row of ``model`` (with ``county_id`` / ``township_id``) lies in this area."""
        if self.level == "city":
            return true()
        if self.level == "county":
            return model.county_id == self.region_id
        return model.township_id == self.region_id

    def child_column(self, model):
        """The column of the breakdown one level down (None for a township: nothing below it)."""
        return {"city": model.county_id, "county": model.township_id}.get(self.level)


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("the period ends before it starts")

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), CST).astimezone(dt.timezone.utc)

    @property
    def end_at(self) -> dt.datetime:
        """The moment after the last day (exclusive)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), CST).astimezone(dt.timezone.utc)

    def days(self, column):
        return column.between(self.start, self.end)

    def moments(self, column):
        return (column >= self.start_at) & (column < self.end_at)


def year_to_date(today: dt.date) -> Period:
    return Period(dt.date(today.year, 1, 1), today)


def user_area(session: Session, user) -> Area | None:
    """The area of the user's own scope (None: a scope no dashboard covers — charity, grid worker)."""
    scope = user_scope(user)
    if scope == "city":
        city = session.scalar(select(Region).where(Region.level == "city"))
        return Area("city", None, city.name if city is not None else "")
    if scope == "county" and county_id_of(user.region) is not None:
        county = session.get(Region, county_id_of(user.region))
        return Area("county", county.id, county.name)
    if scope == "township" and user.region is not None and user.region.level == "township":
        return Area("township", user.region.id, user.region.name)
    return None


def area_for(session: Session, user, region_id: int | None) -> Area:
    """The area of ``region_id`` (None: the user's own), refused when it lies outside the user's scope."""
    own = user_area(session, user)
    if own is None:
        raise AreaRefused("no dashboard for this user's scope")
    if region_id is None or region_id == own.region_id:
        return own
    region = session.get(Region, region_id)
    if region is None or region.level == "city":
        if region is not None and own.level == "city":
            return own
        raise AreaRefused("no such region")
    county_id = county_id_of(region)
    inside = own.level == "city" or (own.level == "county" and county_id == own.region_id)
    if not inside:
        raise AreaRefused("this region lies outside your jurisdiction")
    return Area(region.level, region.id, region.name)


def children(session: Session, area: Area) -> list[Region]:
    """The regions one level down, in code order (empty for a township)."""
    level = area.child_level
    if level is None:
        return []
    query = select(Region).where(Region.level == level)
    if area.level == "county":
        query = query.where(Region.parent_id == area.region_id)
    return list(session.scalars(query.order_by(Region.code)))


def ancestors(session: Session, area: Area) -> list[Region]:
    """The regions above the area, city first (the drill-down's way back)."""
    if area.region_id is None:
        return []
    found, region = [], session.get(Region, area.region_id).parent
    while region is not None:
        found.insert(0, region)
        region = region.parent
    return found


def month_key(session: Session, column):
    """SQL: ``YYYY-MM`` of a date column, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def day_number(session: Session, column):
    """SQL: a date as a whole day number, so two dates subtract to days on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return func.cast(func.extract("epoch", column), _bigint()) // 86400
    return func.cast(func.julianday(column), _bigint())


def days_before(session: Session, column, days):
    """SQL: the date ``days`` (an integer expression) before a date column, on either database."""
    if session.get_bind().dialect.name == "postgresql":
        return column - days
    return func.date(column, func.printf("-%d days", days))


def _bigint():
    from sqlalchemy import BigInteger

    return BigInteger()

