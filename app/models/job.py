"""Background work on record: every run of a job (for the administrators' list) and the notifications
the reminders leave for each user.

A run is written before its task starts and updated as it goes, so the list shows a job queued, running
(with its progress), retried after a failure (its attempts and the last error) or finished — whichever
worker ran it. A notification belongs to one user: the list and the unread count show only the user's own.
One reminder per user, case and deadline: the unique key makes the daily job safe to run again.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.user import TempaidUser

#: the states of a run, in the order a run goes through them
RUN_STATES = ("queued", "running", "retrying", "succeeded", "failed", "skipped")


class JobRun(Model):
    __tablename__ = "job_run"
    __table_args__ = (Index("ix_job_run_queued_at", "queued_at"), Index("ix_job_run_task_state", "task", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task: Mapped[str] = mapped_column(String(64), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="queued")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"), index=True)  # who asked (None: the schedule)
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    result: Mapped[Optional[dict]] = mapped_column(JSON)
    error: Mapped[Optional[str]] = mapped_column(Text)
    progress_done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    started_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    user: Mapped[Optional[TempaidUser]] = relationship(foreign_keys=[user_id])

    @property
    def percent(self) -> int:
        if self.state == "succeeded":
            return 100
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0

    @property
    def finished(self) -> bool:
        return self.state in ("succeeded", "failed", "skipped")


class Notification(Model):
    """An overdue reminder to one user about one case's deadline."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("user_id", "case_id", "deadline", name="uq_notification_user_case_deadline"),
                      Index("ix_notification_user_read", "user_id", "read_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("aid_case.id"), nullable=False, index=True)
    deadline: Mapped[str] = mapped_column(String(32), nullable=False)  # the deadline's name (registration_due …)
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    read_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime(timezone=True))

    user: Mapped[TempaidUser] = relationship(foreign_keys=[user_id])
    case = relationship("Case")

    @property
    def read(self) -> bool:
        return self.read_at is not None
