"""The due list's overdue leads (急难线索 past their first-contact time), as rows among the cases — on the
page, in its count and in its export.

One list sorted by due time: the page of cases is FAB's (its filters, order and pager untouched), and the
overdue leads of the user's jurisdiction whose first-contact time falls within this page's stretch of due
times are merged in at their place — one query for the leads and, past the first page, one for the last
due time of the page before, whatever the page's size. A lead row links to the lead in the inbox. Shown to
whoever may list the inbox; under another order than the due time, the overdue leads head the first page.
"""
from __future__ import annotations

import bisect
import datetime as dt

from flask_appbuilder.widgets import ListWidget

from app.models import Lead
from app.models.audit import utcnow
from app.security.scope import scope_clause
from app.services.deadlines import as_utc
from app.services.leads import overdue_lead_count, overdue_leads
from app.web.request_user import current_user


_NEVER = dt.datetime.max.replace(tzinfo=dt.timezone.utc)  # a case with no due time goes last


class DueListWidget(ListWidget):
    template = "tempaid/due_list_widget.html"


def _due(value):
    return None if value is None else as_utc(value)


def merged_rows(session, value_columns: list[dict], bounds: tuple, by_due: bool) -> list[tuple[str, object]]:
    """``[("case", index into value_columns) | ("lead", Lead)]`` in due order; ``bounds`` the stretch of
    due times this page covers, (after, up to) — None for an open end."""
    after, up_to = bounds
    clause = scope_clause(Lead, current_user())
    if by_due:
        if after is not None:
            clause = clause & (Lead.first_contact_due > after)
        if up_to is not None:
            clause = clause & (Lead.first_contact_due <= up_to)
    elif after is not None:  # another order: the leads head the first page only
        return [("case", i) for i in range(len(value_columns))]
    leads = overdue_leads(session, utcnow(), clause=clause)
    if not by_due:
        return [("lead", lead) for lead in leads] + [("case", i) for i in range(len(value_columns))]
    dues = [_due(row.get("due_at")) for row in value_columns]
    rows: list[tuple[str, object]] = [("case", i) for i in range(len(value_columns))]
    # leads go before the first case due later; insert from the last so earlier positions hold
    for lead in reversed(leads):
        at = bisect.bisect_right(dues, as_utc(lead.first_contact_due)) if None not in dues else 0
        rows.insert(at, ("lead", lead))
    return rows


def overdue_count(session) -> int:
    """How many overdue leads of the user's jurisdiction the due list holds, beside its count of cases."""
    return overdue_lead_count(session, utcnow(), clause=scope_clause(Lead, current_user()))


def lead_cells(lead, columns: list[str], due_text) -> list:
    """A lead as a row of the due list's export, in the cases' columns (what a lead has no value for is
    left empty); ``due_text`` writes its first-contact time as the cases' due times are written."""
    from flask_babel import gettext

    from app.web import viewer as masking
    from app.web.case_words import category_label
    from app.web.lead_labels import STATES

    values = {"number": lead.number, "household": masking.shown("name", lead.person_name),
              "county": lead.county.name, "township": lead.township.name,
              "kind": gettext("Lead (first contact)"), "category": category_label(lead.category, lead.county.code),
              "state": str(STATES[lead.state]), "due_at": due_text(lead.first_contact_due)}
    return [values.get(column, "") for column in columns]


def export_rows(session, cases: list, case_cells, columns: list[str], due_text) -> list[list]:
    """The export's rows: the cases (already in due order) and the overdue leads of the user's
    jurisdiction, each lead among the cases at its first-contact time."""
    leads = overdue_leads(session, utcnow(), clause=scope_clause(Lead, current_user()))
    rows = [(_due(case.due_at), 0, case_cells(case)) for case in cases]
    # a lead after the cases due at the same moment, as on the page (merged_rows)
    rows += [(as_utc(lead.first_contact_due), 1, lead_cells(lead, columns, due_text)) for lead in leads]
    return [cells for _due_at, _lead_last, cells in sorted(rows, key=lambda row: (row[0] or _NEVER, row[1]))]
