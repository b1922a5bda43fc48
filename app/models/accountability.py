"""Accountability records (责任追究和容错纠错, 四、(三)): why a clock ran over or a decision was corrected.

The notice asks to tell deliberate fault from honest error and from sanctioned experiment, so a
supervisor records, for one overdue clock or one corrected decision of a case, which of the three it
was and a note. Records are appended (a second view is a second record), copied with the case's regions
so the dashboards count them in one indexed aggregate and the case trail shows them.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.case import Case, CaseAdjustment
from app.models.user import TempaidUser

#: 主观故意, 客观偏差, 探索创新/先行先试
CAUSES = ("deliberate", "objective", "innovation")
#: what the record is about: a clock that ran over, or a decided amount that was corrected
SUBJECTS = ("overdue", "corrected")


class AccountabilityRecord(Model):
    __tablename__ = "accountability_record"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (
        CheckConstraint("cause IN ('deliberate', 'objective', 'innovation')", name="ck_accountability_cause"),
        CheckConstraint("subject IN ('overdue', 'corrected')", name="ck_accountability_subject"),
        CheckConstraint("(subject = 'overdue' AND clock IS NOT NULL) OR "
                        "(subject = 'corrected' AND adjustment_id IS NOT NULL)", name="ck_accountability_about"),
        Index("ix_accountability_county_at", "county_id", "at"),
        Index("ix_accountability_township_at", "township_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, index=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    township_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    subject: Mapped[str] = mapped_column(String(12), nullable=False)
    clock: Mapped[Optional[str]] = mapped_column(String(24))
    adjustment_id: Mapped[Optional[int]] = mapped_column(ForeignKey("case_adjustment.id"))
    cause: Mapped[str] = mapped_column(String(12), nullable=False)
    note: Mapped[str] = mapped_column(String(1000), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    case: Mapped[Case] = relationship()
    adjustment: Mapped[Optional[CaseAdjustment]] = relationship()
    user: Mapped[TempaidUser] = relationship()

    def __repr__(self) -> str:
        return f"{self.subject} {self.cause}"
