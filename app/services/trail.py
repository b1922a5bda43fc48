"""Reading the trail of a case: its audit entries in order, with who acted."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, TempaidUser


def case_trail(session: Session, case_id: int) -> list[dict]:
    """Every audit entry of the case (one query, users joined), oldest first."""
    rows = session.execute(
        select(AuditEntry, TempaidUser.username)
        .outerjoin(TempaidUser, TempaidUser.id == AuditEntry.user_id)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.id)
    ).all()
    return [{"at": entry.at.isoformat(), "user": username, "action": entry.action, "target": entry.target,
             "before": entry.before, "after": entry.after, "note": entry.note} for entry, username in rows]
