"""The monthly trend of a dashboard: cases taken in, cases aided and money paid, month by month.

Two grouped aggregates (cases by application month, payments by payment month) over the months that
end with the period's last month; months with nothing in them are shown as zero, not left out, so the
line of the chart keeps its time axis."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case as when, func, select
from sqlalchemy.orm import Session

from app.models import Case, Payment
from app.reports.area import Area, month_key
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
    keys = months_ending(last, count)
    first = dt.date(int(keys[0][:4]), int(keys[0][5:]), 1)
    cases_month = month_key(session, Case.application_date)
    cases = {row.m: row for row in session.execute(
        select(cases_month.label("m"), func.count(Case.id).label("n"),
               func.sum(when((AIDED, 1), else_=0)).label("aided"))
        .where(area.clause(Case), Case.application_date.between(first, last)).group_by(cases_month))}
    paid_month = month_key(session, Payment.paid_on)
    paid = dict(session.execute(
        select(paid_month, sum_fen(Payment.amount))
        .where(area.clause(Payment), Payment.paid_on.between(first, last)).group_by(paid_month)).all())
    return [Month(key, cases[key].n if key in cases else 0, int(cases[key].aided or 0) if key in cases else 0,
                  fen(paid.get(key, 0))) for key in keys]
