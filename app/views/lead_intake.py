"""An intake started from the lead inbox (``/intake/?id_number=…&lead=<id>``): the form starts from what
the lead says (category, the time it was reported, an emergency for an incident), and the saved case is
linked to the lead in the same transaction."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Lead
from app.rules.inputs import CST
from app.security.scope import scope_clause
from app.web.request_user import current_user
from app.services.deadlines import as_utc


def lead_of_intake(session, lead_id, form, prefill: bool) -> Lead | None:
    """The open lead in the user's jurisdiction named by ``lead_id`` (else None); on first display the
    form is prefilled from it."""
    try:
        lead = session.scalar(select(Lead).where(Lead.id == int(lead_id), Lead.state == "new",
                                                 scope_clause(Lead, current_user())))
    except (TypeError, ValueError):
        return None
    if lead is not None and prefill:
        if lead.category in {code for code, *_ in form.category.choices}:
            form.category.data = lead.category
        if lead.category.startswith("incident:") or lead.severity == "urgent":
            form.kind.data = "emergency"
        form.reported_at.data = as_utc(lead.reported_at).astimezone(CST).replace(tzinfo=None, second=0, microsecond=0)
    return lead
