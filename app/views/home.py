"""The landing page after login: the user's to-do list, by what their roles may do.

Which sections a user sees follows from their permissions (config/roles.yaml), never from a role's
name: whoever may take case steps sees the cases waiting for their step, whoever lists the due cases
sees what is due soon or overdue, whoever records payments the cases still to pay, whoever makes bank
batches the transfers waiting, charity staff the pool and their claims, the rule administrator the way to
the rule editor. The lists come from :mod:`app.services.todo`, each a bounded query.
"""
from __future__ import annotations

from flask_appbuilder import IndexView, expose

from app.models.audit import utcnow
from app.security.scope import user_scope
from app.web.request_user import current_user
from app.services import todo
from app.services.batches import waiting
from app.services.deliveries import undelivered
from app.services.rules import current_rules
from app.views.dashboards import landing_dashboard
from app.views.cases import SOON, category_label, due_marker, state_label, transition_label

LIMIT = 10  # rows per section; each section links to its whole list


class HomeView(IndexView):
    index_template = "tempaid/index.html"

    def _may(self, permission: str, view: str) -> bool:
        return self.appbuilder.sm.has_access(permission, view)

    @expose("/")
    def index(self):
        user = current_user()
        sections = {}
        if user is not None and user.is_authenticated:
            sections = self._sections(user)
        return self.render_template(self.index_template, appbuilder=self.appbuilder, sections=sections,
                                    state_label=state_label, transition_label=transition_label,
                                    due_marker=due_marker, category_label=category_label)

    def _sections(self, user) -> dict:
        session = self.appbuilder.session
        found = {}
        if self._may("can_intake", "IntakeView"):
            found["intake"] = True  # the one window (一门受理) is where a caseworker's day starts
        if self._may("can_transition", "CaseView"):
            found["steps"] = todo.my_steps(session, user, LIMIT)
        if self._may("can_list", "DueCaseView"):
            found["due"] = todo.due(session, user, utcnow(), SOON, LIMIT)
        if self._may("can_deliver", "DocumentView"):  # decisions not delivered in the county's days (送达)
            count, rows = undelivered(session, user, current_rules(), limit=LIMIT, count_cap=todo.COUNT_CAP)
            if count:
                found["undelivered"] = todo.Section(min(count, todo.COUNT_CAP), rows, more=count > todo.COUNT_CAP)
        if self._may("can_pay", "PaymentView"):
            found["to_pay"] = todo.to_pay(session, user, LIMIT)
        if self._may("can_batch", "PaymentBatchView"):
            found["batches"] = waiting(session, user)
        if user_scope(user) == "charity" and self._may("can_list", "ReferralPoolView"):
            found["pool"] = todo.pool(session, user, LIMIT)
            found["claims"] = todo.claims(session, user, LIMIT)
        if self._may("can_list", "RuleEditorView"):
            found["rules"] = True
        if self._may("can_show", "DashboardView"):
            found["dashboard"] = landing_dashboard(session, user)
        if self._may("can_triage", "LeadInboxView"):
            found["leads"] = todo.open_leads(session, user, utcnow(), LIMIT)
        if self._may("can_report", "GridWorkerView"):
            found["my_leads"] = todo.my_leads(session, user, LIMIT)
        return found
