"""The dashboards' summary tables: each additive quantity of :mod:`app.reports.grain`, summed per
township × kind × category × month, so a dashboard of a year at the city adds up some thousand rows
instead of aggregating a million cases (issue #14, "fast at scale").

Why tables of our own and not a materialised view: a view is refreshed whole (minutes at 1,000,000
cases) and SQLite has none; these cells are rebuilt one township-month at a time, exactly where a write
happened (:mod:`app.reports.stale` marks them in the write's own transaction), and a dashboard computes
a marked cell from the rows until it is rebuilt — so a figure never lags a write.

- ``dashboard_cell``: one row per (township, kind, category, month) — kind and category ``""`` for rows
  that carry none (payments, referrals, funds, leads, accountability records). Money in fen (whole
  numbers: sums are exact on either database). Only quantities that no later day changes: the clocks'
  *met* and *met on time* (a clock not met is counted from the open clocks at ``now``), the leads'
  *handled* likewise; the repeat count with the repeat period it was counted for.
- ``dashboard_days``: the histogram of days from application to first payment per cell (a median
  cannot be summed; a histogram can, and its median is exact).
- ``dashboard_stale``: the township-months written since their cells were built (several rows for one
  month are fine; a rebuild deletes the markers it saw, by id).

Each row's month is that of its own day — a case's application, a payment's payment day, a referral's
each step, a fund movement's, a lead's report — as :mod:`app.reports.indicators` counts them.
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.accountability import CAUSES
from app.models.clock import CLOCKS
from app.models.payment import PAYMENT_METHODS

#: money quantities (stored in fen)
MONEY = ("approved_amount", "paid_total") + tuple(f"paid_{m}" for m in PAYMENT_METHODS) + (
    "charity_aid_amount", "fund_allocated", "fund_drawn")
#: every quantity a cell holds, by its name in the grain (a leading "_": not a figure of its own)
QUANTITIES = ("cases", "emergency_cases", "aided_cases", "aided_persons", "passing_aided", "approved_amount",
              "repeat_aid") + tuple(f"_met_{c}" for c in CLOCKS) + tuple(f"_on_time_{c}" for c in CLOCKS) + (
    "paid_total",) + tuple(f"paid_{m}" for m in PAYMENT_METHODS) + (
    "referrals_made", "referrals_claimed", "referrals_closed", "charity_aid_count", "charity_aid_amount",
    "fund_allocated", "fund_drawn") + tuple(f"accountability_{c}" for c in CAUSES) + (
    "leads_reported", "_handled_lead", "_on_time_lead")


def column_of(quantity: str) -> str:
    """The column a quantity is stored in: no leading underscore; money in fen."""
    name = quantity.lstrip("_")
    return f"{name}_fen" if quantity in MONEY else name


class DashboardCell(Model):
    __tablename__ = "dashboard_cell"
    __table_args__ = (
        Index("ix_dashboard_cell_month", "month", "township_id"),
        Index("ix_dashboard_cell_county_month", "county_id", "month"),
        # one cell per township, month, kind and category: a second build can never add to the first
        Index("ix_dashboard_cell_township_month", "township_id", "month", "kind", "category", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_id: Mapped[int] = mapped_column(Integer, nullable=False)
    county_id: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    category: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    month: Mapped[dt.date] = mapped_column(Date, nullable=False)  # its first day
    #: the repeat period (days) ``repeat_aid`` was counted with; a dashboard under another one counts again
    repeat_window: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


for _quantity in QUANTITIES:
    setattr(DashboardCell, column_of(_quantity), mapped_column(column_of(_quantity), BigInteger, nullable=False,
                                                               default=0))


class DashboardDays(Model):
    __tablename__ = "dashboard_days"
    __table_args__ = (
        Index("ix_dashboard_days_month", "month", "township_id"),
        Index("ix_dashboard_days_county_month", "county_id", "month"),
        Index("ix_dashboard_days_township_month", "township_id", "month", "kind", "category", "days", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_id: Mapped[int] = mapped_column(Integer, nullable=False)
    county_id: Mapped[int] = mapped_column(Integer, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False)
    month: Mapped[dt.date] = mapped_column(Date, nullable=False)
    days: Mapped[int] = mapped_column(Integer, nullable=False)
    cases: Mapped[int] = mapped_column(Integer, nullable=False)


class DashboardStale(Model):
    __tablename__ = "dashboard_stale"
    __table_args__ = (Index("ix_dashboard_stale_month", "month", "township_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_id: Mapped[int] = mapped_column(Integer, nullable=False)
    county_id: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[dt.date] = mapped_column(Date, nullable=False)
