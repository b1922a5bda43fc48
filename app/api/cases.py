"""``/api/v1/case/``: cases in the user's jurisdiction, intake and transitions — the same services as
the screens."""
from __future__ import annotations

from flask import request
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
from app.services.home_county import home_county_cases
from app.services.passing import intake_passing, person_from_body
from app.services.posting import PostingRefused, needs_posting, record_objection, resolve_objection, status
from app.services.workflow import TransitionRefused, available, reevaluate, take
from app.views.base import ScopedInterface, ScopedModelRestApi
from app.views.cases import CASE_LABELS
from app.web.bodies import body_object, optional_body
from app.web.errors import ApiRefusal
from flask_babel import lazy_gettext as _l

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
                              "trail": "get", "home_county": "get", "intake_passing": "intake", "posting": "get", "objection": "transition",
                              "resolve_objection": "transition"}
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
        return self._taken_in(lambda session: intake(session, household, body.get("figures", {}), current_user(),
                                                     current_rules()))

    @expose("/intake_passing", methods=["POST"])
    @protect()
    @safe
    def intake_passing(self):
        """Take in an emergency of a person passing through (临时遇困人员), helped where it happened:
        ``{"person": {"name", "id_number", "phone", "township": "<code where it happened>",
        "home_region": "<region code>" or "home_place": "<outside the city>", "incident_place", "incident",
        "area", "residency"}, "figures": {...engine input, kind emergency...}}``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {201: {description: the case}, 400: {description: bad input or refused}}
        """
        body = body_object()
        for key in ("person", "figures"):
            if not isinstance(body.get(key), dict):
                raise ApiRefusal(400, "input", _l("Must be an object."), key)
        return self._taken_in(lambda session: intake_passing(session, person_from_body(session, body["person"]),
                                                             body["figures"], current_user(), current_rules()))

    def _taken_in(self, take_in):
        """One transaction for either door of intake: ``take_in(session)`` → the case, committed (201), or
        an input error on its field / a refusal by its code (400), nothing saved."""
        session = self.datamodel.session
        try:
            case = take_in(session)
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

    @expose("/home_county", methods=["GET"])
    @protect()
    @safe
    def home_county(self):
        """The cases of the user's county's people helped in another county: that they exist, no more.
        ---
        get:
          parameters: [{in: query, name: page, schema: {type: integer}}, {in: query, name: page_size, schema: {type: integer}}]
          responses: {200: {description: "count and result: number, masked name, category, state, amounts, helping county"}}
        """
        page, size = request.args.get("page", 0, type=int), min(request.args.get("page_size", 50, type=int), 100)
        count, rows = home_county_cases(self.datamodel.session, current_user(), max(page, 0), max(size, 1))
        return self.response(200, count=count, result=rows)

    @expose("/<int:pk>/objection", methods=["POST"])
    @protect()
    @safe
    def objection(self, pk):
        """Record an objection (异议) to a posted case: ``{"raised_by": "...", "content": "..."}``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {201: {description: the objection}, 400: {description: refused}, 404: {description: not in scope}}
        """
        case = self._case(pk)
        if case is None:
            return self.response_404()
        body = body_object()
        return self._posting_step(201, record_objection, case, current_user(), _text(body, "raised_by"),
                                  _text(body, "content"))

    @expose("/<int:pk>/objection/<int:objection_id>/resolve", methods=["POST"])
    @protect()
    @safe
    def resolve_objection(self, pk, objection_id):
        """Resolve an open objection with a note: ``{"resolution": "..."}``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {200: {description: the objection}, 400: {description: refused}, 404: {description: not in scope}}
        """
        case = self._case(pk)
        if case is None:
            return self.response_404()
        body = body_object()
        return self._posting_step(200, resolve_objection, case, objection_id, current_user(),
                                  _text(body, "resolution"))

    def _posting_step(self, code: int, step, *args):
        session = self.datamodel.session
        try:
            objection = step(session, *args)
            session.commit()
        except PostingRefused as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        return self.response(code, id=objection.id, open=objection.open)

    @expose("/<int:pk>/posting", methods=["GET"])
    @protect()
    @safe
    def posting(self, pk):
        """The posting (公示) of a case: its period, the working days left and the objections.
        ---
        get:
          responses: {200: {description: the posting}, 404: {description: not in scope}}
        """
        case = self._case(pk)
        if case is None:
            return self.response_404()
        found = status(self.datamodel.session, case, current_rules().calendar)
        period = found.posting
        return self.response(
            200, required=needs_posting(case),
            opened_on=period and period.opened_on.isoformat(), ends_on=period and period.ends_on.isoformat(),
            working_days=period and period.working_days, days_left=found.days_left,
            objections=[{"id": o.id, "raised_by": o.raised_by, "content": o.content, "open": o.open,
                         "recorded_at": o.recorded_at.isoformat(), "resolution": o.resolution}
                        for o in found.objections])

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


def _text(body: dict, key: str) -> str:
    """A text field of a body; anything else reads as not given (the service then names the field)."""
    value = body.get(key)
    return value if isinstance(value, str) else ""
