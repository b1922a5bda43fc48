"""``/api/v1/case/``: cases in the user's jurisdiction, intake and transitions — the same services as
the screens."""
from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from sqlalchemy import select

from app.models import Case, Household
from app.rules import InputError
from app.security.scope import current_user, scope_clause
from app.services.intake import IntakeRefused, intake, preview
from app.services.ids import row_id
from app.services.rules import current_rules
from app.security import masking
from app.services.trail import case_trail
from app.services.workflow import TransitionRefused, available, reevaluate, take
from app.views.base import ScopedInterface, ScopedModelRestApi
from app.views.cases import CASE_LABELS
from app.web.bodies import body_object, optional_body

CASE_COLUMNS = ["id", "number", "household.id", "household.head_name", "township.code", "county.code", "kind",
                "category", "severity", "state", "application_date", "eligible", "approval_level",
                "suggested_amount", "maximum_amount", "approved_amount", "due_at", "decided_at"]


class CaseApi(ScopedModelRestApi):
    resource_name = "case"
    datamodel = ScopedInterface(Case)
    class_permission_name = "CaseApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info", "can_intake", "can_transition"]
    method_permission_name = {"get_list": "get", "get": "get", "info": "info", "intake": "intake",
                              "preview": "intake", "transition": "transition", "reevaluate": "transition",
                              "trail": "get"}
    list_columns = CASE_COLUMNS
    show_columns = CASE_COLUMNS + ["verdict", "deadlines", "warnings", "rules_digest"]
    order_columns = ["id", "application_date", "due_at"]
    base_order = ("due_at", "asc")
    label_columns = {k: v for k, v in CASE_LABELS.items()}
    description_columns = dict(CASE_LABELS)

    def _error(self, code: str, message: str, field=None):
        return self.response_400(message={"error": {"code": code, "field": field, "message": message}})

    def _household(self, household_id):
        return self.datamodel.session.scalar(select(Household).where(
            Household.id == household_id, scope_clause(Household, current_user())))

    def _case(self, pk):
        return self.datamodel.get(pk, self._base_filters)

    @expose("/preview", methods=["POST"])
    @protect()
    @safe
    def preview(self):
        """The verdict an application would get, saving nothing.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {200: {description: the verdict}, 400: {description: bad input}, 404: {description: no such household}}
        """
        body = body_object()
        household = self._household(row_id(body.get("household_id")))
        if household is None:
            return self.response_404()
        try:
            return self.response(200, **preview(household, body.get("figures", {}), current_rules()))
        except InputError as exc:
            return self._error("input", exc.message, exc.field)

    @expose("/intake", methods=["POST"])
    @protect()
    @safe
    def intake(self):
        """Take in an application: ``{"household_id": 1, "figures": {...engine input...}}``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {201: {description: the case}, 400: {description: bad input or refused}, 404: {description: no such household}}
        """
        body = body_object()
        household = self._household(row_id(body.get("household_id")))
        if household is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            case = intake(session, household, body.get("figures", {}), current_user(), current_rules())
            session.commit()
        except InputError as exc:
            session.rollback()
            return self._error("input", exc.message, exc.field)
        except IntakeRefused as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        return self.response(201, id=case.id, number=case.number, state=case.state, verdict=case.verdict,
                             warnings=case.warnings)

    @expose("/<int:pk>/transition/<name>", methods=["POST"])
    @protect()
    @safe
    def transition(self, pk, name):
        """Take a transition of config/workflow.yaml with its fields (reason, amount, note, date).
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {200: {description: the new state}, 400: {description: refused}, 404: {description: not in scope}}
        """
        case = self._case(pk)
        if case is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            take(session, case, name, current_user(), optional_body(), current_rules())
            session.commit()
        except TransitionRefused as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        except InputError as exc:
            session.rollback()
            return self._error("input", exc.message, exc.field)
        return self.response(200, id=case.id, state=case.state,
                             approved_amount=None if case.approved_amount is None else str(case.approved_amount),
                             next=[t.name for t in available(case, current_user())])

    @expose("/<int:pk>/reevaluate", methods=["POST"])
    @protect()
    @safe
    def reevaluate(self, pk):
        """Run the engine again on an undecided case.
        ---
        post:
          responses: {200: {description: the new verdict}, 400: {description: decided}, 404: {description: not in scope}}
        """
        case = self._case(pk)
        if case is None:
            return self.response_404()
        try:
            reevaluate(self.datamodel.session, case, current_user(), current_rules())
            self.datamodel.session.commit()
        except (TransitionRefused, InputError) as exc:
            self.datamodel.session.rollback()
            return self._error(getattr(exc, "code", "input"), exc.message)
        return self.response(200, verdict=case.verdict)

    @expose("/<int:pk>/trail", methods=["GET"])
    @protect()
    @safe
    def trail(self, pk):
        """The audit trail of the case, oldest first.
        ---
        get:
          responses: {200: {description: the trail}, 404: {description: not in scope}}
        """
        case = self._case(pk)
        if case is None:
            return self.response_404()
        return self.response(200, result=case_trail(self.datamodel.session, case.id, masking.viewer_sees_whole()))
