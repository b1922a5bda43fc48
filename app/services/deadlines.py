"""Deadlines of a case: the engine gives them, the workflow starts and meets them, lists sort by them.

A deadline given as a day is due by the end of that day in China Standard Time; one given as a time
(先行救助 within 24 hours) is due at that time. ``Case.due_at`` holds the earliest one still open.
"""
from __future__ import annotations

import datetime as dt

from app.models import Case, audit
from app.rules.inputs import CST  # China Standard Time, one definition


def due_moment(value: str) -> dt.datetime:
    """``"2019-04-15"`` → 2019-04-15 23:59:59+08:00; an ISO time with offset is taken as it is."""
    if "T" in value:
        return dt.datetime.fromisoformat(value)
    return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(23, 59, 59), CST)


def open_deadline(case: Case, name: str, value: str) -> None:
    case.deadlines = {**(case.deadlines or {}), name: {"due": value, "met": None}}
    refresh_due_at(case)


def meet_deadline(case: Case, name: str, at: dt.datetime) -> None:
    current = dict(case.deadlines or {})
    if name in current and current[name]["met"] is None:
        current[name] = {**current[name], "met": at.isoformat()}
        case.deadlines = current
    refresh_due_at(case)


def refresh_due_at(case: Case) -> None:
    dues = [due_moment(d["due"]) for d in (case.deadlines or {}).values() if d["met"] is None]
    # stored in UTC: SQLite keeps no offset, so every time column holds UTC on both databases
    case.due_at = min(dues).astimezone(dt.timezone.utc) if dues else None


def china_today(now: dt.datetime | None = None) -> dt.date:
    """Today's date in China: the day a form's date defaults to, a deadline or a posting counts from."""
    return (now or audit.utcnow()).astimezone(CST).date()


def china_midnight(day: dt.date) -> dt.datetime:
    """The moment ``day`` begins in China, in UTC (as the time columns hold it)."""
    return dt.datetime.combine(day, dt.time(0, 0), CST).astimezone(dt.timezone.utc)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC time (SQLite gives it back without its offset)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def status(due_at: dt.datetime | None, now: dt.datetime, soon: dt.timedelta = dt.timedelta(days=3)) -> str:
    """``overdue``, ``due_soon``, ``open`` or ``none`` — the marker a list shows for a case's ``due_at``."""
    if due_at is None:
        return "none"
    due = as_utc(due_at)
    if due < now:
        return "overdue"
    return "due_soon" if due - now <= soon else "open"


def overdue_cases(session, now: dt.datetime, county_code: str | None = None):
    """Open cases whose earliest open deadline has passed, most overdue first (one query)."""
    from sqlalchemy import select
    from sqlalchemy.orm import aliased, joinedload

    from app.models import Region

    county = aliased(Region)
    query = (select(Case).join(county, Case.county_id == county.id)
             .options(joinedload(Case.township), joinedload(Case.county), joinedload(Case.household))
             .where(Case.due_at.is_not(None), Case.due_at < now, Case.state != "closed")
             .order_by(Case.due_at))
    if county_code:
        query = query.where(county.code == county_code)
    return session.scalars(query).all()
