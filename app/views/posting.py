"""What the case page shows of a posting (公示 before aid): its period, the working days left and the
objections, with the forms to record and resolve one for staff who may."""
from __future__ import annotations

from app.security.scope import in_scope
from app.services.deadlines import CST, as_utc
from app.services.posting import needs_posting, status
from app.services.rules import current_rules
from app.services.workflow_def import workflow
from app.views.policy_labels import note_label


def china_minute(moment) -> str:
    return as_utc(moment).astimezone(CST).strftime("%Y-%m-%d %H:%M") if moment else ""


def person_name(user) -> str:
    return f"{user.first_name}{user.last_name}" if user is not None else ""


def posting_context(session, case, user) -> dict:
    """``posting`` (None when the case is not to be posted), ``may_object`` and the notes' names for the
    case page."""
    if not needs_posting(case):
        return {"posting": None, "may_object": False, "note_label": note_label}
    found = status(session, case, current_rules().calendar)
    may_object = (bool({role.name for role in user.roles} & set(workflow().objection_roles))
                  and in_scope(case, user) and not case.decided)
    return {"posting": found, "may_object": may_object, "china_minute": china_minute, "person_name": person_name,
            "note_label": note_label}
