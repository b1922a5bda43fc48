"""Reading the trail of a case: its audit entries in order, with who acted."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, TempaidUser
from app.security.masking import PERSONAL_COLUMNS, mask_value


def _masked(values: dict | None, whole: bool) -> dict | None:
    if whole or not values:
        return values
    return {key: mask_value(PERSONAL_COLUMNS[key], value) if key in PERSONAL_COLUMNS and value else value
            for key, value in values.items()}


def case_trail(session: Session, case_id: int, whole: bool = False) -> list[dict]:
    """Every audit entry of the case (one query, users joined), oldest first; personal data in the
    recorded values masked unless ``whole`` (the viewer works the case)."""
    rows = session.execute(
        select(AuditEntry, TempaidUser.username)
        .outerjoin(TempaidUser, TempaidUser.id == AuditEntry.user_id)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.id)
    ).all()
    return [{"at": entry.at.isoformat(), "user": username, "user_id": entry.user_id, "action": entry.action, "target": entry.target,
             "before": _masked(entry.before, whole), "after": _masked(entry.after, whole), "note": entry.note}
            for entry, username in rows]
