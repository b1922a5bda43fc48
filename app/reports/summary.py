"""The dashboards read from the summary tables (:mod:`app.models.summary`): the same grain as the
direct computation (:func:`app.reports.grain.collect`), figures identical to it, in a few dozen rows.

How a dashboard's grain is put together:

- the whole months of the period: the summed cells (one grouped query, and one for the histogram of
  days to payment), except the township-months marked stale by a write since their cells were built;
- those stale township-months, and the period's partial months at either end: from the rows
  (:func:`app.reports.grain.additive` over just those slices, small by construction);
- what moves with the clock — clocks and leads past due at ``now``, overdue now, the funds' balance —
  always from the open rows (:func:`app.reports.grain.at_now`): a summary built yesterday would miss a
  clock that ran out this morning;
- the repeat count from the cells when they were counted with the repeat period in force on the
  period's last day, else from the rows for the whole period.

:func:`rebuild` builds the cells of whole months (the first time, after a bulk load); :func:`refresh`
rebuilds the stale ones (the ``tempaid.refresh_dashboards`` job, often). Neither is needed for a figure
to be right — only for it to be fast.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import and_, delete, func, insert, not_, or_, select
from sqlalchemy.orm import Session

from app.models import AidRecord, Case, FundMovement, Payment, Referral
from app.models.accountability import AccountabilityRecord
from app.models.lead import Lead
from app.models.summary import MONEY, QUANTITIES, DashboardCell, DashboardDays, DashboardStale, column_of
from app.reports.area import Area, Period
from app.rules.inputs import CST
from app.services.deadlines import as_utc
from app.reports.grain import Grain, additive, at_now, county_numbers, finish, new_grain, _repeat

__all__ = ["collect", "rebuild", "refresh", "month_start", "Slice"]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def whole_months(period: Period) -> tuple[dt.date | None, dt.date | None, list[Period]]:
    """The first and last whole month of the period (None, None if there is none) and the partial
    stretches at its ends."""
    first = period.start if period.start.day == 1 else month_end(month_start(period.start)) + dt.timedelta(days=1)
    last = month_start(period.end) if period.end == month_end(month_start(period.end)) else None
    last = last if last is not None else month_start(month_start(period.end) - dt.timedelta(days=1))
    if first > period.end or last < first:
        return None, None, [period]
    edges = []
    if first > period.start:
        edges.append(Period(period.start, first - dt.timedelta(days=1)))
    if month_end(last) < period.end:
        edges.append(Period(month_end(last) + dt.timedelta(days=1), period.end))
    return first, last, edges


class Slice:
    """Some townships in some months: the rows of township ``t`` dated in month ``m`` for each
    ``m: {t, …}`` — given to :func:`app.reports.grain.additive` as its period (``days``/``moments``)."""

    def __init__(self, months: dict[dt.date, set[int]]):
        self.months = months

    def _any(self, column, within):
        model = column.class_
        return or_(*(and_(within(column, Period(m, month_end(m))), model.township_id.in_(sorted(towns)))
                     for m, towns in sorted(self.months.items())))

    def days(self, column):
        return self._any(column, lambda c, p: p.days(c))

    def moments(self, column):
        return self._any(column, lambda c, p: p.moments(c))


class Townships:
    """An area of chosen townships (what a refresh rebuilds)."""

    def __init__(self, ids):
        self.ids = sorted(ids)

    def clause(self, model):
        return model.township_id.in_(self.ids)


def _stale(session: Session, area: Area, first: dt.date, last: dt.date) -> dict[dt.date, set[int]]:
    found: dict = defaultdict(set)
    query = select(DashboardStale.month, DashboardStale.township_id).where(
        area.clause(DashboardStale), DashboardStale.month.between(first, last)).distinct()
    for month, township_id in session.execute(query):
        found[month].add(township_id)
    return dict(found)


def _fresh(model, first, last, stale: dict) -> list:
    return [model.month.between(first, last)] + [not_(and_(model.month == m, model.township_id.in_(sorted(t))))
                                                 for m, t in stale.items()]


def _from_cells(session, area, first, last, stale, grain: Grain, with_repeat: bool) -> None:
    names = [q for q in QUANTITIES if with_repeat or q != "repeat_aid"]
    columns = [func.sum(getattr(DashboardCell, column_of(q))) for q in names]
    query = (select(DashboardCell.township_id, DashboardCell.kind, DashboardCell.category, *columns)
             .where(area.clause(DashboardCell), *_fresh(DashboardCell, first, last, stale))
             .group_by(DashboardCell.township_id, DashboardCell.kind, DashboardCell.category))
    for township_id, kind, category, *sums in session.execute(query):
        values = {name: (Decimal(int(v or 0)) / 100).quantize(Decimal("0.01")) if name in MONEY else int(v or 0)
                  for name, v in zip(names, sums)}
        grain.add(township_id, kind or None, category or None, **values)
    days = (select(DashboardDays.township_id, DashboardDays.kind, DashboardDays.category, DashboardDays.days,
                   func.sum(DashboardDays.cases))
            .where(area.clause(DashboardDays), *_fresh(DashboardDays, first, last, stale))
            .group_by(DashboardDays.township_id, DashboardDays.kind, DashboardDays.category, DashboardDays.days))
    for township_id, kind, category, n_days, count in session.execute(days):
        grain.days[(township_id, kind or None, category or None)][int(n_days)] += int(count)


def _windows_agree(session, area, first, last, stale, repeat_days: dict[int, int]) -> bool:
    """Whether every cell read counted its repeats with the repeat period its county has now."""
    used = session.execute(select(DashboardCell.county_id, DashboardCell.repeat_window).where(
        area.clause(DashboardCell), *_fresh(DashboardCell, first, last, stale)).distinct()).all()
    return all(repeat_days.get(county_id, 0) == window for county_id, window in used)


def collect(session: Session, area: Area, period: Period, now: dt.datetime, rules) -> Grain:
    """The grain of the area and period, from the summary where it holds, else from the rows."""
    grain = new_grain(session)
    numbers = county_numbers(session, rules, period.end)
    first, last, edges = whole_months(period)
    repeat_from_cells = True
    if first is not None:
        stale = _stale(session, area, first, last)
        repeat_from_cells = _windows_agree(session, area, first, last, stale, numbers["repeat"])
        _from_cells(session, area, first, last, stale, grain, repeat_from_cells)
        if stale:
            additive(session, area, Slice(stale), grain, numbers["repeat"] if repeat_from_cells else None)
    for edge in edges:
        additive(session, area, edge, grain, numbers["repeat"] if repeat_from_cells else None)
    if not repeat_from_cells:
        _repeat(session, area, period, grain, numbers["repeat"])
    at_now(session, area, period, now, grain)
    finish(grain, numbers)
    return grain


# ---- building the cells ------------------------------------------------------------------------------


def _write(session: Session, grain: Grain, month: dt.date, repeat_days: dict[int, int]) -> None:
    cells = []
    for (township_id, kind, category), values in grain.cells.items():
        county_id = grain.county_of.get(township_id)
        row = {"township_id": township_id, "county_id": county_id, "kind": kind or "", "category": category or "",
               "month": month, "repeat_window": repeat_days.get(county_id, 0)}
        for name in QUANTITIES:
            value = values.get(name, 0)
            row[column_of(name)] = int(Decimal(value) * 100) if name in MONEY else int(value)
        cells.append(row)
    if cells:
        session.execute(insert(DashboardCell), cells)
    days = [{"township_id": t, "county_id": grain.county_of.get(t), "kind": kind or "", "category": category or "",
             "month": month, "days": n, "cases": count}
            for (t, kind, category), histogram in grain.days.items() for n, count in histogram.items()]
    if days:
        session.execute(insert(DashboardDays), days)


def _build_month(session, area, month: dt.date, repeat_days, county_of) -> None:
    grain = Grain()
    grain.county_of = county_of
    additive(session, area, Period(month, month_end(month)), grain, repeat_days)
    _write(session, grain, month, repeat_days)


def _span(session: Session) -> tuple[dt.date, dt.date] | None:
    """The first and last month any counted row is dated in (China time; a day either side for the zone)."""
    days, moments = [], []
    for column in (Case.application_date, Payment.paid_on):
        days += list(session.execute(select(func.min(column), func.max(column))).one())
    for column in (Referral.referred_at, Referral.claimed_at, Referral.closed_at, AidRecord.at, FundMovement.at,
                   AccountabilityRecord.at, Lead.reported_at):
        moments += list(session.execute(select(func.min(column), func.max(column))).one())
    found = [d for d in days if d is not None] + [as_utc(m).astimezone(CST).date() for m in moments if m is not None]
    if not found:
        return None
    return month_start(min(found) - dt.timedelta(days=1)), month_start(max(found) + dt.timedelta(days=1))


#: PostgreSQL advisory lock of a summary build: one rebuild or refresh at a time in the installation
BUILD_LOCK = 0x7E3A1D15


def _one_build_at_a_time(session: Session) -> None:
    """Wait for any other rebuild or refresh to commit (PostgreSQL: a lock held to the end of this
    transaction; SQLite has one writer anyway): two builds of a township-month never interleave."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(BUILD_LOCK)))


def rebuild(session: Session, rules, today: dt.date) -> int:
    """Every cell anew, month by month (after a bulk load, or a change to a repeat period): the months built."""
    _one_build_at_a_time(session)
    session.execute(delete(DashboardStale))
    session.execute(delete(DashboardCell))
    session.execute(delete(DashboardDays))
    span = _span(session)
    if span is None:
        return 0
    repeat_days = county_numbers(session, rules, today)["repeat"]
    county_of = new_grain(session).county_of
    month, count = span[0], 0
    while month <= span[1]:
        _build_month(session, Area("city", None), month, repeat_days, county_of)
        month, count = month_end(month) + dt.timedelta(days=1), count + 1
    return count


def refresh(session: Session, rules, today: dt.date) -> int:
    """The stale township-months rebuilt from their rows; the markers seen are removed by id (a write
    meanwhile leaves its own). Returns how many township-months were rebuilt."""
    _one_build_at_a_time(session)
    markers = session.execute(select(DashboardStale.id, DashboardStale.month, DashboardStale.township_id)).all()
    if not markers:
        return 0
    by_month: dict = defaultdict(set)
    for _, month, township_id in markers:
        by_month[month].add(township_id)
    repeat_days = county_numbers(session, rules, today)["repeat"]
    county_of = new_grain(session).county_of
    for month, towns in sorted(by_month.items()):
        for model in (DashboardCell, DashboardDays):
            session.execute(delete(model).where(model.month == month, model.township_id.in_(sorted(towns))))
        _build_month(session, Townships(towns), month, repeat_days, county_of)
    ids = [marker_id for marker_id, _, _ in markers]
    for start in range(0, len(ids), 500):
        session.execute(delete(DashboardStale).where(DashboardStale.id.in_(ids[start:start + 500])))
    return sum(len(t) for t in by_month.values())
