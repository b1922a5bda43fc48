"""Audit records. Append-only: rows are inserted, never updated or deleted by the application."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
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
