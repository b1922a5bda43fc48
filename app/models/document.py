"""Delivery (送达) of decision documents, and the monthly disclosure lists as they were posted (公示).

A decision reaches the applicant in writing: staff record each delivery — in person with the recipient's
signature, by post (with its tracking number) or by message — and the applicant's acknowledgement. A
decision with no delivery recorded shows in the due lists after the county's ``documents.delivery_days``.

A posted disclosure list is frozen: its rows, households and total are copied into the posting when it is
posted, so a later payment, reversal or rule edit never changes what was on the notice board. One posting
per county (``township_key`` 0) or township and month.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import (JSON, Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric, String,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.region import Region
from app.models.user import TempaidUser

DELIVERY_METHODS = ("in_person", "post", "message")


class DocumentDelivery(Model):
    __tablename__ = "document_delivery"
    __scope_via__ = "case"
    __table_args__ = (
        CheckConstraint("method IN ('in_person', 'post', 'message')", name="ck_document_delivery_method"),
        Index("ix_document_delivery_case_document", "case_id", "document"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False)
    document: Mapped[str] = mapped_column(String(16), nullable=False)  # approval | refusal | quick | ...
    stage: Mapped[Optional[int]] = mapped_column(Integer)  # a payment notice's stage
    method: Mapped[str] = mapped_column(String(12), nullable=False)
    delivered_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    recipient: Mapped[str] = mapped_column(String(64), nullable=False)
    signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # in person: signed for it
    reference: Mapped[Optional[str]] = mapped_column(String(64))  # post: tracking number; message: to whom
    acknowledged_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    acknowledgement: Mapped[Optional[str]] = mapped_column(String(500))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    case = relationship("Case")
    recorded_by: Mapped[TempaidUser] = relationship(foreign_keys=[recorded_by_id])


class DisclosurePosting(Model):
    __tablename__ = "disclosure_posting"
    __scope_columns__ = {"township": "township_id", "county": "county_id"}
    __table_args__ = (UniqueConstraint("county_id", "township_key", "month", name="uq_disclosure_posting"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("region.id"), nullable=False)
    township_id: Mapped[Optional[int]] = mapped_column(ForeignKey("region.id"))
    township_key: Mapped[int] = mapped_column(Integer, nullable=False)  # township_id, or 0 county-wide
    month: Mapped[str] = mapped_column(String(7), nullable=False)  # YYYY-MM
    posted_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    due_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    rows: Mapped[list] = mapped_column(JSON, nullable=False)
    households: Mapped[int] = mapped_column(Integer, nullable=False)
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    posted_by_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    posted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)

    county: Mapped[Region] = relationship(foreign_keys=[county_id])
    township: Mapped[Optional[Region]] = relationship(foreign_keys=[township_id])
    posted_by: Mapped[TempaidUser] = relationship(foreign_keys=[posted_by_id])
