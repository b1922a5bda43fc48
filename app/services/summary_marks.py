"""Every write that changes a dashboard figure marks its township-months stale, in its own transaction.

Why a session hook and not a call in each service: the figures are counted from cases, clocks, payments,
referrals, charity aid, fund movements, accountability records and leads, written by a dozen services
(and the tests' builders); a hook sees every flush whatever wrote it, so the summary
(:mod:`app.reports.summary`) can never miss one. The marker is a row of ``dashboard_stale``; a dashboard
reads a marked township-month from the rows, and the refresh job rebuilds it.

What a row marks: its township in the month of each of its days (old and new values both, when a
write moves it); a payment also its case's application month (days to payment); a case also the later
cases of its household within a year (their repeat count looks back at it); a household whose size or
passing-through changes, the months of its cases (persons aided).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from app.models import AidRecord, Case, FundMovement, Household, Payment, Referral, Region
from app.models.accountability import AccountabilityRecord
from app.models.clock import CaseClock
from app.models.lead import Lead
from app.models.summary import DashboardStale
from app.rules.inputs import CST
from app.services.deadlines import as_utc

#: model → the columns whose days place its rows in a month
DATED = {
    Case: ("application_date",), CaseClock: ("application_date",), Payment: ("paid_on",),
    Referral: ("referred_at", "claimed_at", "closed_at"), AidRecord: ("at",), FundMovement: ("at",),
    AccountabilityRecord: ("at",), Lead: ("reported_at",),
}
#: a repeat looks back at most this far (a county's ``cases.repeat_warning_days`` may not exceed it: the
#: rule schema bounds it at 366)
LOOK_BACK = dt.timedelta(days=366)


def _month(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = as_utc(value).astimezone(CST).date()
    return value.replace(day=1)


def _values(obj, name: str, deleted: bool) -> list:
    """The attribute's value now and, for an updated row, before."""
    state = inspect(obj)
    history = state.attrs[name].history
    found = list(history.added or ()) + list(history.unchanged or ()) + list(history.deleted or ())
    if not found and name not in state.dict and not deleted:
        found = [getattr(obj, name)]  # expired since the last commit: loaded now (the row is still there)
    elif not found:
        found = [state.dict.get(name)]
    return [v for v in found if v is not None]


def _pairs_of(session: Session, obj, deleted: bool) -> set[tuple[int, dt.date]]:
    pairs = set()
    towns = _values(obj, "township_id", deleted)
    for name in DATED[type(obj)]:
        for value in _values(obj, name, deleted):
            pairs |= {(t, _month(value)) for t in towns}
    connection = session.connection()
    if isinstance(obj, Payment) and obj.case_id is not None:
        row = connection.execute(select(Case.township_id, Case.application_date).where(Case.id == obj.case_id)).first()
        if row is not None:
            pairs.add((row.township_id, _month(row.application_date)))
    if isinstance(obj, Case) and obj.household_id is not None:
        for day in _values(obj, "application_date", deleted):
            later = connection.execute(select(Case.township_id, Case.application_date).where(
                Case.household_id == obj.household_id, Case.application_date.between(day, day + LOOK_BACK)))
            pairs |= {(t, _month(d)) for t, d in later}
    return pairs


def _household_pairs(session: Session, household: Household) -> set[tuple[int, dt.date]]:
    state = inspect(household)
    if not any(state.attrs[a].history.has_changes() for a in ("size", "passing_through")):
        return set()
    rows = session.connection().execute(select(Case.township_id, Case.application_date)
                                        .where(Case.household_id == household.id))
    return {(t, _month(d)) for t, d in rows}


def mark(session: Session, township_id: int, days) -> None:
    """Mark the township's months of ``days`` (dates or times) stale — for a service that writes by a
    bulk UPDATE, which no session hook sees."""
    _insert(session, {(township_id, _month(d)) for d in days if d is not None})


def _insert(session: Session, pairs: set) -> None:
    pairs = {(t, m) for t, m in pairs if t is not None and m is not None}
    if not pairs:
        return
    connection = session.connection()
    county_of = dict(connection.execute(select(Region.id, Region.parent_id)
                                        .where(Region.id.in_(sorted({t for t, _ in pairs})))).all())
    connection.execute(insert(DashboardStale), [{"township_id": t, "county_id": county_of.get(t), "month": m}
                                                for t, m in sorted(pairs)])


@event.listens_for(Session, "after_flush")
def _mark(session: Session, _context) -> None:
    pairs: set = set()
    for deleted, objects in ((False, session.new), (False, session.dirty), (True, session.deleted)):
        for obj in objects:
            if type(obj) in DATED and (deleted or obj in session.new or session.is_modified(obj)):
                pairs |= _pairs_of(session, obj, deleted)
            elif isinstance(obj, Household) and obj not in session.new and not deleted:
                pairs |= _household_pairs(session, obj)
    _insert(session, pairs)
