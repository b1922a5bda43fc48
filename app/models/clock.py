"""One row per clock of a case (先行救助 24 h, 登记 5 working days, 审批 20 working days, 小额快救 days).

Why a table beside ``Case.deadlines``: the timeliness rates of the dashboards compare when a clock was
met with when it was due, for hundreds of thousands of cases at once. Read out of JSON that is a parse
per row and a string comparison of mixed formats; here it is two indexed timestamp columns, so every
rate is one SQL aggregate. The rows are kept in step with ``Case.deadlines`` by one session hook
(:mod:`app.services.clocks`), whatever path changes a deadline; the JSON stays the case's own record.
Region, kind and application date are copied from the case so the aggregates need no join.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.models.case import Case

#: the clocks of the notice and the 2026 opinion, in the order the dashboards show them
CLOCKS = ("pre_assist_due", "registration_due", "decision_due", "quick_due")


#: what the dashboards group the open clocks by (carried in the open-clock index on PostgreSQL)
OPEN_CLOCK_COLUMNS = ("county_id", "township_id", "kind", "category", "name", "application_date")


class CaseClock(Model):
    __tablename__ = "case_clock"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        UniqueConstraint("case_id", "name", name="uq_case_clock_case_name"),
        # timeliness per period and region: the clocks due in a span, by county or township
        Index("ix_case_clock_county_name_due", "county_id", "name", "due_at"),
        Index("ix_case_clock_township_name_due", "township_id", "name", "due_at"),
        # overdue now: the clocks still open, by due time; on PostgreSQL the dashboards' open-clock counts
        # read the index alone (what they group by rides along: migration 0015)
        Index("ix_case_clock_open_due", "due_at", sqlite_where=text("met_at IS NULL"),
              postgresql_where=text("met_at IS NULL"), postgresql_include=list(OPEN_CLOCK_COLUMNS)),
        # the period's clocks, by application date
        Index("ix_case_clock_application", "application_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id", ondelete="CASCADE"), nullable=False)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    application_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)  # the case's kind, for the split by kind
    # the case's category, for the split by category (migration 0015): the dashboards count the clocks,
    # open ones at every request, without a join to a million cases
    category: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")
    name: Mapped[str] = mapped_column(String(24), nullable=False)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    met_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship(backref=backref("clocks", cascade="all, delete-orphan"))

    def __repr__(self) -> str:
        return self.name
