"""Audit records. Append-only: rows are inserted, never updated or deleted by the application."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class LoginEvent(Model):
    """One login attempt, through the web form or the API, successful or not."""

    __tablename__ = "login_event"
    __table_args__ = (Index("ix_login_event_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    username: Mapped[str] = mapped_column(String(128), nullable=False)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    success: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reason: Mapped[str] = mapped_column(String(20), nullable=False)  # ok | bad_password | unknown_user | locked
    remote_addr: Mapped[Optional[str]] = mapped_column(String(64))


class AuditEntry(Model):
    """全部留痕: who did what, when, with the values before and after. Append-only: the application
    refuses to update or delete a row (app.services.audit), and on PostgreSQL a trigger refuses too."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_target", "target", "target_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("ab_user.id"))
    target: Mapped[str] = mapped_column(String(32), nullable=False)  # table name
    target_id: Mapped[int] = mapped_column(Integer, nullable=False)
    case_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(32), nullable=False)  # create | edit | <transition> | adjust | reevaluate
    before: Mapped[Optional[dict]] = mapped_column(JSON)
    after: Mapped[Optional[dict]] = mapped_column(JSON)
    note: Mapped[Optional[str]] = mapped_column(String(500))
