"""全部留痕: every create, edit and transition of an audited row writes an append-only audit entry.

One session hook does it for every path (screens, REST, services, CLI), so nothing can change a case
or a household without a trace. The hook also guards two rules: audit entries are never updated or
deleted, and a decided case's figures change only through :func:`sanctioned` (an adjustment with its
reason), never by an ordinary edit.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from app.models import (AidRecord, AuditEntry, Case, CaseAdjustment, Charity, CharityProject, Household,
                        HouseholdMember, ProjectCategory, Referral)
from app.models import FundMovement, Payment, PaymentBatch, ReserveFund
from app.models.audit import utcnow
from app.models.lead import Lead
from app.models.posting import CasePosting, PostingObjection
from app.models.accountability import AccountabilityRecord

AUDITED = (Household, HouseholdMember, Case, CaseAdjustment, Charity, CharityProject, ProjectCategory, Referral,
           AidRecord)
AUDITED += (Payment, PaymentBatch, ReserveFund, FundMovement)
AUDITED += (CasePosting, PostingObjection)
AUDITED += (AccountabilityRecord,)  # 责任追究和容错纠错: the case trail shows the cause recorded
AUDITED += (Lead,)
#: money that went out of or into the door: corrected by new rows, never edited away or deleted
MONEY_RECORDS = (Payment, FundMovement)
#: what a decided case never changes by an ordinary edit
DECIDED_FIELDS = ("approved_amount", "verdict", "inputs", "rules_digest", "eligible", "approval_level",
                  "suggested_amount", "maximum_amount", "approved_by_id", "decided_at")


class AppendOnly(Exception):
    """Raised when code tries to change what may only be appended to or adjusted."""


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@contextmanager
def acting(session: Session, user_id: int | None, action: str | None = None, note: str | None = None):
    """Name who acts (and the transition or adjustment) for the audit entries written meanwhile."""
    saved = {k: session.info.get(k) for k in ("actor_id", "audit_action", "audit_note")}
    session.info.update(actor_id=user_id, audit_action=action, audit_note=note)
    try:
        yield
    finally:
        session.info.update(saved)


@contextmanager
def sanctioned(session: Session):
    """Inside this block a decided case's figures may change: used only by the adjustment service."""
    session.info["sanctioned"] = True
    try:
        yield
    finally:
        session.info.pop("sanctioned", None)


def _actor(session: Session) -> int | None:
    """Who acts is named by the caller (:func:`acting`): services with their user argument, the scoped
    interfaces of screens and API with the request's user. Nothing here reads the request."""
    return session.info.get("actor_id")


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            before[attr.key] = _plain(history.deleted[0]) if history.deleted else None
            after[attr.key] = _plain(history.added[0]) if history.added else None
    return before, after


def _snapshot(obj) -> dict:
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in inspect(obj).mapper.column_attrs}


def _case_id(obj) -> int | None:
    return obj.id if isinstance(obj, Case) else getattr(obj, "case_id", None)


def _was_decided(case: Case) -> bool:
    history = inspect(case).attrs.decided_at.history
    return (history.deleted or history.unchanged or [None])[0] is not None


@event.listens_for(Session, "before_flush")
def _guard(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AppendOnly("audit entries are append-only")
    if session.info.get("sanctioned"):
        return
    for obj in session.dirty:
        if isinstance(obj, Case) and _was_decided(obj):
            changed = [f for f in DECIDED_FIELDS if inspect(obj).attrs[f].history.has_changes()]
            if changed:
                raise AppendOnly(f"case {obj.number} is decided; {', '.join(changed)} change only by adjustment")
    for obj in session.deleted:
        if isinstance(obj, (Case, CaseAdjustment)):
            raise AppendOnly("cases and adjustments are never deleted")
        if isinstance(obj, MONEY_RECORDS):
            raise AppendOnly("payments and fund movements are never deleted")
    for obj in session.dirty:
        if isinstance(obj, MONEY_RECORDS) and session.is_modified(obj, include_collections=False):
            raise AppendOnly("payments and fund movements are never edited")
        if isinstance(obj, ReserveFund) and inspect(obj).attrs.balance.history.has_changes():
            raise AppendOnly("a reserve fund's balance changes only by a recorded movement")


@event.listens_for(Session, "after_flush")
def _write_trail(session: Session, _context) -> None:
    rows = []
    actor = _actor(session)
    action, note = session.info.get("audit_action"), session.info.get("audit_note")
    for obj in session.new:
        if isinstance(obj, AUDITED):
            rows.append(dict(target=obj.__tablename__, target_id=obj.id, case_id=_case_id(obj),
                             action=action or "create", before=None, after=_snapshot(obj)))
    for obj in session.dirty:
        if isinstance(obj, AUDITED) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                rows.append(dict(target=obj.__tablename__, target_id=obj.id, case_id=_case_id(obj),
                                 action=action or "edit", before=before, after=after))
    for obj in session.deleted:
        if isinstance(obj, AUDITED):
            rows.append(dict(target=obj.__tablename__, target_id=obj.id, case_id=_case_id(obj),
                             action=action or "delete", before=_snapshot(obj), after=None))
    if rows:
        now = utcnow()
        for row in rows:
            row.update(at=now, user_id=actor, note=note)
        session.connection().execute(insert(AuditEntry.__table__), rows)
