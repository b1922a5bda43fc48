"""A lead (急难线索): hardship someone saw and reported, before it is a case (三、(一) 主动发现, 三、(二) 互联网+).

A grid worker (网格员) reports from a phone, or a resident from the public form; the lead lands in its
township's inbox with a response clock (``leads.first_contact_hours`` of the county's rules, fixed when
the lead is reported, so a later rule edit never moves it). The township accepts it into a case, merges it
with an open case of the household, or closes it with a reason; the reporter sees that outcome, never the
case's personal data. Photos are rows of their own, served only through the scoped lead screens.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.case import Case
from app.models.region import Region
from app.models.user import TempaidUser

LEAD_SOURCES = ("grid_worker", "public")
LEAD_SEVERITIES = ("urgent", "ordinary")
LEAD_STATES = ("new", "accepted", "merged", "closed")


class Lead(Model):
    __tablename__ = "lead"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        # the township inbox and the overdue lists: open leads by their clock
        Index("ix_lead_township_state_due", "township_id", "state", "first_contact_due"),
        Index("ix_lead_county_state_due", "county_id", "state", "first_contact_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # what the reporter and the public look-up quote; random, so numbers cannot be walked
    number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    source: Mapped[str] = mapped_column(String(12), nullable=False)
    reported_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"), index=True)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    # who
    person_name: Mapped[str] = mapped_column(String(64), nullable=False)
    id_number: Mapped[Optional[str]] = mapped_column(String(18), index=True)
    phone: Mapped[Optional[str]] = mapped_column(String(20))
    # where
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    village: Mapped[Optional[str]] = mapped_column(String(64))
    address: Mapped[Optional[str]] = mapped_column(String(200))
    # what happened
    category: Mapped[str] = mapped_column(String(64), nullable=False)  # <kind>:<code> of the county's rules
    severity: Mapped[str] = mapped_column(String(12), nullable=False)  # urgent | ordinary, as the reporter sees it
    description: Mapped[str] = mapped_column(String(1000), nullable=False)
    # the clock and the outcome
    first_contact_due: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    state: Mapped[str] = mapped_column(String(12), nullable=False, default="new", index=True)
    handled_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    handled_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    case_id: Mapped[Optional[int]] = mapped_column(ForeignKey("aid_case.id"), index=True)
    close_reason: Mapped[Optional[str]] = mapped_column(String(500))

    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    township: Mapped[Region] = relationship(foreign_keys=[township_id])
    reported_by: Mapped[Optional[TempaidUser]] = relationship(foreign_keys=[reported_by_id])
    handled_by: Mapped[Optional[TempaidUser]] = relationship(foreign_keys=[handled_by_id])
    case: Mapped[Optional[Case]] = relationship(foreign_keys=[case_id])
    photos: Mapped[list["LeadPhoto"]] = relationship(back_populates="lead", order_by="LeadPhoto.id",
                                                     cascade="all, delete-orphan")

    @classmethod
    def reporter_clause(cls, user):
        """A grid worker (scope ``own_reports``) sees the leads they reported, nothing else."""
        return cls.reported_by_id == user.id

    @property
    def is_open(self) -> bool:
        return self.state == "new"

    def __repr__(self) -> str:
        return self.number


class LeadPhoto(Model):
    """A photo of a lead, re-encoded on upload (no EXIF location survives), reachable only by its lead's
    scoped screens under a random token."""

    __tablename__ = "lead_photo"
    __scope_via__ = "lead"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("lead.id"), nullable=False, index=True)
    token: Mapped[str] = mapped_column(String(43), unique=True, nullable=False)
    content_type: Mapped[str] = mapped_column(String(32), nullable=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)

    lead: Mapped[Lead] = relationship(back_populates="photos")
