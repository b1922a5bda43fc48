"""公示 before aid (2026 opinion 三): the posting of a case and the objections (异议) raised during it.

A case whose verdict carries ``public_posting_before_aid`` (a 低保边缘 or 刚性支出 household) is posted when
it is reviewed; it may be approved only once the posting's working days have run and no objection is
left open. The period is fixed when the posting opens (``cases.posting_working_days`` of the rules in
force on the application date, counted on the official calendar), so a later rule edit never moves it.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.user import TempaidUser


class CasePosting(Model):
    __tablename__ = "case_posting"
    __scope_via__ = "case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, unique=True)
    opened_on: Mapped[dt.date] = mapped_column(Date, nullable=False)  # the day of the review
    working_days: Mapped[int] = mapped_column(Integer, nullable=False)
    ends_on: Mapped[dt.date] = mapped_column(Date, nullable=False)  # the last working day of the posting
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    case = relationship("Case")
    opened_by: Mapped[TempaidUser] = relationship(foreign_keys=[opened_by_id])


class PostingObjection(Model):
    """One objection: who raised it and what it says, recorded by staff; resolved with a note."""

    __tablename__ = "posting_objection"
    __scope_via__ = "case"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, index=True)
    raised_by: Mapped[str] = mapped_column(String(64), nullable=False)  # the person who objected
    content: Mapped[str] = mapped_column(String(1000), nullable=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    resolution: Mapped[Optional[str]] = mapped_column(String(1000))
    resolved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    case = relationship("Case")
    recorded_by: Mapped[TempaidUser] = relationship(foreign_keys=[recorded_by_id])
    resolved_by: Mapped[Optional[TempaidUser]] = relationship(foreign_keys=[resolved_by_id])

    @property
    def open(self) -> bool:
        return self.resolved_at is None
