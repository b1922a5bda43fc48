"""One save of a rule file from the web editor: who, when, why, what changed, and how to undo it.

Rule files are the truth for every verdict, so every change made through the editor leaves a record
(全部留痕). The full previous text is kept, not only the diff, so that a revision can be reverted by
saving that text again — a revert is itself a new save with its own record; no revision is ever
changed or deleted. ``region_code`` is the code of the county (or the city) the file belongs to, so
the history of a file can be listed for whoever may edit it.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from flask_appbuilder import Model
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.audit import utcnow
from app.models.user import TempaidUser


class RuleRevision(Model):
    __tablename__ = "rule_revision"
    __table_args__ = (Index("ix_rule_revision_file_at", "file", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file: Mapped[str] = mapped_column(String(200), nullable=False)  # relative to the rules directory
    region_code: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False, default=utcnow)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    effective: Mapped[Optional[dt.date]] = mapped_column(Date)  # the day dated changes take effect
    diff: Mapped[str] = mapped_column(Text, nullable=False)
    digest_before: Mapped[str] = mapped_column(String(64), nullable=False)
    digest_after: Mapped[str] = mapped_column(String(64), nullable=False)
    previous_text: Mapped[str] = mapped_column(Text, nullable=False)
    reverts_id: Mapped[Optional[int]] = mapped_column(ForeignKey("rule_revision.id"))

    user: Mapped[TempaidUser] = relationship(foreign_keys=[user_id])
    reverts: Mapped[Optional["RuleRevision"]] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"{self.file}@{self.id}"
