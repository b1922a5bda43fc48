"""An application for temporary assistance (一案), with the verdict it was decided on.

The verdict, the rules digest and the figures the engine was given are stored with the case, so a later
rule change never alters a decided case. ``due_at`` is the earliest deadline still open, kept in one
indexed column so lists sort by it and overdue queries stay cheap at any size.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.audit import utcnow
from app.models.household import Household
from app.models.region import Region
from app.models.user import TempaidUser
from app.rules.stored_rows import stored_row

OPEN_STATES_EXCLUDED = ("closed", "rejected")


class Case(Model):
    __tablename__ = "aid_case"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        # each scope's list by due time; the state rides along (PostgreSQL INCLUDE) so the due list's
        # count ("due soon or overdue, not closed") reads the index alone
        Index("ix_aid_case_county_due", "county_id", "due_at", postgresql_include=["state"]),
        Index("ix_aid_case_township_due", "township_id", "due_at", postgresql_include=["state"]),
        # the whole city's list (city bureau, supervisors): due time, then the key FAB adds to the order
        Index("ix_aid_case_due", "due_at", "id", postgresql_include=["state"]),
        # search by case number: FAB's "starts with" is an ILIKE; PostgreSQL serves its leading digits (the
        # county code and the date) from a pattern index whatever the database's collation
        Index("ix_aid_case_number_pattern", "number", postgresql_ops={"number": "varchar_pattern_ops"}),
        Index("ix_aid_case_household_category", "household_id", "category"),
        # the rule editor's impact: a county's applications of the last twelve months
        Index("ix_aid_case_county_application", "county_id", "application_date"),
        # decisions not yet delivered (送达), per county and decision time (migration 0012)
        Index("ix_aid_case_county_decided", "county_id", "decided_at"),
        # the dashboards: a township's applications in a period (migration 0011)
        Index("ix_aid_case_township_application", "township_id", "application_date"),
        # the city's dashboard: the days of a period's partial months, city-wide (migration 0015)
        Index("ix_aid_case_application", "application_date"),
        # the dashboards' repeat aid: a household's earlier cases within the repeat period (migration 0011)
        Index("ix_aid_case_household_application", "household_id", "application_date"),
        # the landing page's to-do: the cases in the states a user's step waits for (one (flow, state) pair
        # an alternative, OR-ed: a bitmap of this index, never a walk of every case), and the payments to
        # record and decisions to deliver, oldest decision first (migration 0020)
        Index("ix_aid_case_flow_state", "flow", "state"),
        Index("ix_aid_case_decided", "decided_at", "id"),
        # the impact's cases without a decision row (few): found without a pass over the rest (migration 0023)
        Index("ix_aid_case_unrowed", "id", sqlite_where=text("decision_row IS NULL"),
              postgresql_where=text("decision_row IS NULL")),
        # one open case per household and category (repeat protection), on both databases
        Index("ux_aid_case_open_per_category", "household_id", "category", unique=True,
              sqlite_where=text("state NOT IN ('closed', 'rejected')"),
              postgresql_where=text("state NOT IN ('closed', 'rejected')")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True, nullable=False)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), nullable=False)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    category: Mapped[str] = mapped_column(String(64), nullable=False)
    severity: Mapped[Optional[str]] = mapped_column(String(8))
    flow: Mapped[str] = mapped_column(String(12), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    application_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    inputs: Mapped[dict] = mapped_column(JSON, nullable=False)
    # what a decision reads of the inputs, checked and kept as text when they are set (app.rules.stored_rows):
    # the rule editor's impact over a year of cases reads this instead of the JSON (None: not a plain one)
    decision_row: Mapped[Optional[str]] = mapped_column(Text)
    verdict: Mapped[dict] = mapped_column(JSON, nullable=False)
    rules_digest: Mapped[str] = mapped_column(String(64), nullable=False)
    eligible: Mapped[bool] = mapped_column(Boolean, nullable=False)
    approval_level: Mapped[Optional[str]] = mapped_column(String(24))
    suggested_amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    maximum_amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    approved_amount: Mapped[Optional[Decimal]] = mapped_column(Numeric(12, 2))
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    decided_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    deadlines: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    due_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    warnings: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    # what happened where (急难发生地实施救助: a person passing through is helped where it happened)
    incident_place: Mapped[Optional[str]] = mapped_column(String(200))
    incident: Mapped[Optional[str]] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    household: Mapped[Household] = relationship()
    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    created_by: Mapped[TempaidUser] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[Optional[TempaidUser]] = relationship(foreign_keys=[approved_by_id])

    @validates("inputs")
    def _inputs_set(self, _key, inputs: dict) -> dict:
        self.decision_row = stored_row(inputs)
        return inputs

    @property
    def decided(self) -> bool:
        return self.decided_at is not None

    def __repr__(self) -> str:
        return self.number


class CaseAdjustment(Model):
    """A correction of a decided amount: the only way a decided figure changes, always with a reason."""

    __tablename__ = "case_adjustment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, index=True)
    field: Mapped[str] = mapped_column(String(32), nullable=False)
    before: Mapped[Optional[str]] = mapped_column(String(64))
    after: Mapped[Optional[str]] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
