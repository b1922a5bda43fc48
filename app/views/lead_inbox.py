"""The township's lead inbox (线索受理): reported hardships with their response clock, overdue first.

From a lead the caseworker accepts it into an intake (the household found by the reported ID number, or
registered here from the lead's details, then the ordinary intake form, prefilled), merges it with a case
already open, or closes it with a reason. Thin: every step is a call of :mod:`app.services.leads`.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.models import Lead
from app.models.audit import utcnow
from app.web.viewer import shown
from app.security.scope import in_scope, scope_clause
from app.web.request_user import current_user
from app.services.leads import LeadInvalid, LeadRefused, close, household_for, merge, register_household
from app.views.cases import category_label, due_marker
from app.web.lead_labels import REFUSALS, SEVERITIES, SOURCES, STATES, problems_text
from app.views.leads import outcome

PAGE = 25
FILTERS = {"open": [Lead.state == "new"], "handled": [Lead.state != "new"], "all": []}


class LeadInboxView(BaseView):
    route_base = "/leads/inbox"
    default_view = "index"
    base_permissions = ["can_list", "can_show", "can_triage"]

    def _lead(self, pk: int) -> Lead:
        lead = self.appbuilder.session.scalar(select(Lead).where(Lead.id == pk, scope_clause(Lead, current_user())))
        if lead is None:
            abort(404)
        return lead

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        session = self.appbuilder.session
        shown = request.args.get("show", "open")
        shown = shown if shown in FILTERS else "open"
        page = max(request.args.get("page", 0, type=int), 0)
        where = [scope_clause(Lead, current_user()), *FILTERS[shown]]
        count = session.scalar(select(func.count(Lead.id)).where(*where))
        overdue = session.scalar(select(func.count(Lead.id)).where(
            scope_clause(Lead, current_user()), Lead.state == "new", Lead.first_contact_due < utcnow()))
        order = (Lead.first_contact_due, Lead.id) if shown == "open" else (Lead.reported_at.desc(), Lead.id.desc())
        leads = session.scalars(select(Lead).where(*where).options(joinedload(Lead.township), joinedload(Lead.county))
                                .order_by(*order).offset(page * PAGE).limit(PAGE)).all()
        return self.render_template("tempaid/lead_inbox.html", title=_l("Lead inbox"), leads=leads, count=count,
                                    overdue=overdue, shown=shown, page=page, pages=(count + PAGE - 1) // PAGE,
                                    states=STATES, severities=SEVERITIES, sources=SOURCES,
                                    category_label=category_label, due_marker=due_marker)

    @expose("/<int:pk>")
    @has_access
    @permission_name("show")
    def show(self, pk: int, errors: dict | None = None, household_errors: dict | None = None):
        lead = self._lead(pk)
        household = household_for(self.appbuilder.session, lead)
        if household is not None and not in_scope(household, current_user()):
            household = None  # registered elsewhere: the caseworker cannot take it in from here
        return self.render_template("tempaid/lead_show.html", title=_l("Lead %(number)s", number=lead.number),
                                    lead=lead, household=household, errors=errors or {},
                                    household_errors=household_errors or {}, values=request.form,
                                    states=STATES, severities=SEVERITIES, sources=SOURCES, outcome=outcome,
                                    category_label=category_label, due_marker=due_marker, shown=shown)

    def _act(self, pk: int, step, errors_on: str = "errors", done=None):
        """Run one service step on the lead in one transaction: its problems on the lead's page (under
        ``errors_on``), a refusal flashed; ``done(result)`` answers a success (else back to the lead)."""
        session = self.appbuilder.session
        lead = self._lead(pk)
        try:
            result = step(session, lead)
            session.commit()
        except LeadInvalid as invalid:
            session.rollback()
            return self.show(pk, **{errors_on: problems_text(invalid.problems)})
        except LeadRefused as refused:
            session.rollback()
            flash(str(REFUSALS.get(refused.code, REFUSALS["scope"])), "danger")
            return redirect(url_for(".show", pk=pk))
        if done is not None:
            return done(result)
        flash(str(_l("Lead %(number)s: %(outcome)s", number=lead.number, outcome=STATES[lead.state])), "success")
        return redirect(url_for(".show", pk=pk))

    @expose("/<int:pk>/close", methods=["POST"])
    @has_access
    @permission_name("triage")
    def close(self, pk: int):
        return self._act(pk, lambda session, lead: close(session, lead, current_user(), request.form.get("close_reason")))

    @expose("/<int:pk>/merge", methods=["POST"])
    @has_access
    @permission_name("triage")
    def merge(self, pk: int):
        return self._act(pk, lambda session, lead: merge(session, lead, request.form.get("case_number"), current_user()))

    @expose("/<int:pk>/accept", methods=["POST"])
    @has_access
    @permission_name("triage")
    def accept(self, pk: int):
        """Into the intake: with the household found, straight to the prefilled intake form; else the
        household is registered from the form on the lead's page first."""
        return self._act(pk, self._household_of, "household_errors", lambda found: redirect(
            url_for("IntakeView.index", id_number=found[0].id_number, lead=found[1].id)))

    @staticmethod
    def _household_of(session, lead):
        if not lead.is_open:
            raise LeadRefused("not_open")
        household = household_for(session, lead)
        if household is None:
            household = register_household(session, lead, request.form, current_user())
        elif not in_scope(household, current_user()):
            raise LeadRefused("scope")
        return household, lead
