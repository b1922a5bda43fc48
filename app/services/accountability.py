"""Recording why a clock ran over or a decision was corrected (责任追究和容错纠错, 四、(三)).

A supervisor names the cause — 主观故意, 客观偏差 or 探索创新/先行先试 — with a note, for one clock of
the case that was met late or is past due unmet, or for one recorded correction of its decided amount.
Nothing else can be the subject: a record about a clock that was met in time is refused, so the
dashboard's counts are counts of real overruns and corrections.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseAdjustment
from app.models.accountability import CAUSES, SUBJECTS, AccountabilityRecord
from app.models.audit import utcnow
from app.models.clock import CaseClock
from app.security.scope import in_scope
from app.services.audit import acting
from app.services.deadlines import as_utc

NOTE_LIMIT = 1000


class AccountabilityRefused(Exception):
    """``field`` is the form field at fault (None: the case itself)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def overrun_clocks(session: Session, case_id: int, now: dt.datetime) -> list[CaseClock]:
    """The case's clocks met after their due moment, or past due and not met, in due order."""
    clocks = session.scalars(select(CaseClock).where(CaseClock.case_id == case_id).order_by(CaseClock.due_at))
    return [c for c in clocks if (c.met_at is not None and as_utc(c.met_at) > as_utc(c.due_at))
            or (c.met_at is None and as_utc(c.due_at) < now)]


def corrections(session: Session, case_id: int) -> list[CaseAdjustment]:
    return list(session.scalars(select(CaseAdjustment).where(CaseAdjustment.case_id == case_id)
                                .order_by(CaseAdjustment.id)))


def record(session: Session, case: Case, user, subject: str, cause: str, note: str, clock: str | None = None,
           adjustment_id: int | None = None, now: dt.datetime | None = None) -> AccountabilityRecord:
    """Record one cause; every check first, nothing saved when one fails."""
    now = now or utcnow()
    if not in_scope(case, user):
        raise AccountabilityRefused(None, "case outside your jurisdiction")
    if subject not in SUBJECTS:
        raise AccountabilityRefused("subject", "choose an overdue clock or a corrected decision")
    if cause not in CAUSES:
        raise AccountabilityRefused("cause", "choose one of the three causes")
    note = (note or "").strip()
    if not note:
        raise AccountabilityRefused("note", "say what happened")
    if len(note) > NOTE_LIMIT:
        raise AccountabilityRefused("note", f"at most {NOTE_LIMIT} characters")
    if subject == "overdue":
        if clock not in {c.name for c in overrun_clocks(session, case.id, now)}:
            raise AccountabilityRefused("clock", "this clock of the case did not run over")
        adjustment_id = None
    else:
        if adjustment_id not in {a.id for a in corrections(session, case.id)}:
            raise AccountabilityRefused("adjustment", "this correction is not one of the case's")
        clock = None
    row = AccountabilityRecord(case_id=case.id, county_id=case.county_id, township_id=case.township_id,
                               subject=subject, clock=clock, adjustment_id=adjustment_id, cause=cause, note=note,
                               user_id=user.id, at=now)
    session.add(row)
    with acting(session, user.id, "accountability", note=note[:500]):
        session.flush()
    return row
