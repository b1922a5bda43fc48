"""The monthly trend of a dashboard: cases taken in, cases aided and money paid, month by month.

Cases by application month and payments by payment month, over the months that end with the period's
last month — read from the summary cells like the figures (:mod:`app.reports.summary`); months with nothing in them are shown as zero, not left out, so the
line of the chart keeps its time axis."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case as when, func, select
from sqlalchemy.orm import Session

from app.models import Case, Payment
from app.reports.area import Area, Period, month_key
from app.reports.grain import AIDED
from app.services.money import fen, sum_fen

MONTHS = 12


@dataclass
class Month:
    month: str  # YYYY-MM
    cases: int
    aided: int
    paid: Decimal


def months_ending(last: dt.date, count: int = MONTHS) -> list[str]:
    year, month = last.year, last.month
    found = []
    for _ in range(count):
        found.insert(0, f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found


def trend(session: Session, area: Area, last: dt.date, count: int = MONTHS) -> list[Month]:
    """Whole months from the summary cells (one grouped query), the stale township-months and the
    partial last month from the rows — the same sums the rows alone give (:func:`direct`)."""
    from app.models.summary import DashboardCell
    from app.reports.summary import Slice, _fresh, _stale, whole_months

    keys = months_ending(last, count)
    first = dt.date(int(keys[0][:4]), int(keys[0][5:]), 1)
    sums = {key: [0, 0, Decimal(0)] for key in keys}
    whole_first, whole_last, parts = whole_months(Period(first, last))
    if whole_first is not None:
        stale = _stale(session, area, whole_first, whole_last)
        month = month_key(session, DashboardCell.month)
        query = (select(month, func.sum(DashboardCell.cases), func.sum(DashboardCell.aided_cases),
                        func.sum(DashboardCell.paid_total_fen))
                 .where(area.clause(DashboardCell), *_fresh(DashboardCell, whole_first, whole_last, stale))
                 .group_by(month))
        for key, cases, aided, paid in session.execute(query):
            sums[key][0] += int(cases or 0)
            sums[key][1] += int(aided or 0)
            sums[key][2] += Decimal(int(paid or 0)) / 100
        if stale:
            parts = parts + [Slice(stale)]
    for part in parts:
        _add_rows(session, area, part, sums)
    return [Month(key, cases, aided, fen(paid)) for key, (cases, aided, paid) in sums.items()]


def direct(session: Session, area: Area, last: dt.date, count: int = MONTHS) -> list[Month]:
    """The trend from the rows alone (the reference the summary is checked against)."""
    keys = months_ending(last, count)
    sums = {key: [0, 0, Decimal(0)] for key in keys}
    _add_rows(session, area, Period(dt.date(int(keys[0][:4]), int(keys[0][5:]), 1), last), sums)
    return [Month(key, cases, aided, fen(paid)) for key, (cases, aided, paid) in sums.items()]


def _add_rows(session: Session, area: Area, part, sums: dict) -> None:
    """Cases by application month and payments by payment month, of the rows of ``part`` (a period or slice)."""
    cases_month = month_key(session, Case.application_date)
    for key, n, aided in session.execute(
            select(cases_month, func.count(Case.id), func.sum(when((AIDED, 1), else_=0)))
            .where(area.clause(Case), part.days(Case.application_date)).group_by(cases_month)):
        if key in sums:
            sums[key][0] += n
            sums[key][1] += int(aided or 0)
    paid_month = month_key(session, Payment.paid_on)
    for key, paid in session.execute(select(paid_month, sum_fen(Payment.amount))
                                     .where(area.clause(Payment), part.days(Payment.paid_on)).group_by(paid_month)):
        if key in sums:
            sums[key][2] += fen(paid)
