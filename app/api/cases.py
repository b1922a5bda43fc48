"""``/api/v1/case/``: cases in the user's jurisdiction, intake and transitions — the same services as
the screens."""
from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe
from sqlalchemy import select

from app.models import Case, Household
from app.rules import InputError
from app.security.scope import scope_clause
from app.web.request_user import current_user
from app.services.intake import IntakeRefused, intake, preview
from app.services.rules import current_rules
from app.web import viewer as masking
from app.services.trail import case_trail
from app.services.home_county import home_county_cases
from app.services.passing import intake_passing, person_from_body
from app.services.posting import PostingRefused, needs_posting, record_objection, resolve_objection, status
from app.services.workflow import TransitionRefused, available, reevaluate, take
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import CASE_LABELS
from app.web.bodies import body_object, optional_body
from app.web.errors import ApiRefusal, error_response
from app.web.openapi import documented
from app.web.schemas import cases as schemas
from app.web.schemas.base import as_text, load_body
from app.web.schemas.engine import FIGURES_EXAMPLE, Verdict
from flask_babel import lazy_gettext as _l

PAGE_ARGUMENT = _l("page is a whole number from 0; page_size from 1 to 100")
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

    def _error(self, code: str, message: str, field=None, status: int = 400):
        return error_response(status, code, message, field)

    def _reply(self, schema, status: int, **data):
        """The answer dumped by its documented schema (what the document says is what is sent)."""
        return self.response(status, **schema().dump(data))

    def _household(self, household_id):
        return self.datamodel.session.scalar(select(Household).where(
            Household.id == household_id, scope_clause(Household, current_user())))

    def _case(self, pk):
        return self.datamodel.get(pk, self._base_filters)

    @expose("/preview", methods=["POST"])
    @documented("The verdict an application would get, saving nothing", body=schemas.IntakeBody, reply=Verdict,
                example={"household_id": 1, "figures": FIGURES_EXAMPLE})
    @protect()
    @safe
    def preview(self):
        body = load_body(schemas.IntakeBody, body_object())
        household = self._household(body["household_id"])
        if household is None:
            return self.response_404()
        try:
            return self.response(200, **preview(household, body["figures"], current_rules()))  # as the engine says
        except InputError as exc:
            return self._error("input", exc.message, exc.field)

    @expose("/intake", methods=["POST"])
    @documented("Take in an application of a registered household", body=schemas.IntakeBody,
                reply=schemas.CaseTaken, status=201, example={"household_id": 1, "figures": FIGURES_EXAMPLE},
                description="The engine decides with the rules in force on the application date; the case is "
                            "routed by the verdict's approval level. An open case of the same household and "
                            "category is refused (400, open_case_exists).")
    @protect()
    @safe
    def intake(self):
        body = load_body(schemas.IntakeBody, body_object())
        household = self._household(body["household_id"])
        if household is None:
            return self.response_404()
        return self._taken_in(lambda session: intake(session, household, body["figures"], current_user(),
                                                     current_rules()))

    @expose("/intake_passing", methods=["POST"])
    @documented("Take in an emergency of a person passing through (临时遇困人员)", body=schemas.PassingBody,
                reply=schemas.CaseTaken, status=201, errors=(400,),
                example={"person": {"name": "李四", "township": "370811001", "home_place": "河南省商丘市"},
                         "figures": {"kind": "emergency", "category": "incident:fire", "severity": "light",
                                     "application_date": "2026-11-20", "requested_amount": "800"}},
                description="Helped where it happened (急难发生地实施救助); the home county sees that the case exists.")
    @protect()
    @safe
    def intake_passing(self):
        body = load_body(schemas.PassingBody, body_object())
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
        return self._reply(schemas.CaseTaken, 201, id=case.id, number=case.number, state=case.state,
                           verdict=case.verdict, warnings=case.warnings)

    @expose("/<int:pk>/transition/<name>", methods=["POST"])
    @documented("Take a transition of config/workflow.yaml (accept, investigate, review, approve, refuse, "
                "pre_assist, register, pay ...)", body=schemas.TransitionBody, reply=schemas.CaseMoved,
                example={"amount": "2000.00", "note": "审批同意"},
                description="The fields a transition needs are named in config/workflow.yaml; a missing one is "
                            "refused with its name. ``next`` lists what you may take after.")
    @protect()
    @safe
    def transition(self, pk, name):
        fields = as_text(load_body(schemas.TransitionBody, optional_body()))
        case = self._case(pk)
        if case is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            take(session, case, name, current_user(), fields, current_rules())
            session.commit()
        except TransitionRefused as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        except InputError as exc:
            session.rollback()
            return self._error("input", exc.message, exc.field)
        return self._reply(schemas.CaseMoved, 200, id=case.id, state=case.state, approved_amount=case.approved_amount,
                           next=[t.name for t in available(case, current_user())])

    @expose("/<int:pk>/reevaluate", methods=["POST"])
    @documented("Run the engine again on an undecided case", reply=schemas.Reevaluated)
    @protect()
    @safe
    def reevaluate(self, pk):
        case = self._case(pk)
        if case is None:
            return self.response_404()
        try:
            reevaluate(self.datamodel.session, case, current_user(), current_rules())
            self.datamodel.session.commit()
        except (TransitionRefused, InputError) as exc:
            self.datamodel.session.rollback()
            return self._error(getattr(exc, "code", "input"), exc.message)
        return self._reply(schemas.Reevaluated, 200, verdict=case.verdict)

    @expose("/home_county", methods=["GET"])
    @documented("The cases of your county's people helped in another county: that they exist, no more",
                method="get", reply=schemas.HelpedElsewherePage, errors=(400,), parameters=[
                    {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 0, "maximum": 10**6, "default": 0}},
                    {"in": "query", "name": "page_size",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}}])
    @protect()
    @safe
    def home_county(self):
        page, size = _paging()
        count, rows = home_county_cases(self.datamodel.session, current_user(), page, size)
        return self._reply(schemas.HelpedElsewherePage, 200, count=count, result=rows)

    @expose("/<int:pk>/objection", methods=["POST"])
    @documented("Record an objection (异议) to a posted case", body=schemas.ObjectionBody,
                reply=schemas.ObjectionState, status=201, example={"raised_by": "村民", "content": "家中有车辆"})
    @protect()
    @safe
    def objection(self, pk):
        body = load_body(schemas.ObjectionBody, body_object())
        case = self._case(pk)
        if case is None:
            return self.response_404()
        return self._posting_step(201, record_objection, case, current_user(), body["raised_by"], body["content"])

    @expose("/<int:pk>/objection/<int:objection_id>/resolve", methods=["POST"])
    @documented("Resolve an open objection with a note", body=schemas.ResolveBody, reply=schemas.ObjectionState,
                example={"resolution": "经核实，车辆已于去年出售"})
    @protect()
    @safe
    def resolve_objection(self, pk, objection_id):
        body = load_body(schemas.ResolveBody, body_object())
        case = self._case(pk)
        if case is None:
            return self.response_404()
        return self._posting_step(200, resolve_objection, case, objection_id, current_user(), body["resolution"])

    def _posting_step(self, code: int, step, *args):
        session = self.datamodel.session
        try:
            objection = step(session, *args)
            session.commit()
        except PostingRefused as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        return self._reply(schemas.ObjectionState, code, id=objection.id, open=objection.open)

    @expose("/<int:pk>/posting", methods=["GET"])
    @documented("The posting (公示) of a case: its period, the working days left and the objections",
                method="get", reply=schemas.Posting, errors=(404,))
    @protect()
    @safe
    def posting(self, pk):
        case = self._case(pk)
        if case is None:
            return self.response_404()
        found = status(self.datamodel.session, case, current_rules().calendar)
        period = found.posting
        return self._reply(
            schemas.Posting, 200, required=needs_posting(case),
            opened_on=period and period.opened_on.isoformat(), ends_on=period and period.ends_on.isoformat(),
            working_days=period and period.working_days, days_left=found.days_left,
            objections=[{"id": o.id, "raised_by": o.raised_by, "content": o.content, "open": o.open,
                         "recorded_at": o.recorded_at.isoformat(), "resolution": o.resolution}
                        for o in found.objections])

    @expose("/<int:pk>/trail", methods=["GET"])
    @documented("The audit trail of the case, oldest first", method="get", reply=schemas.Trail, errors=(404,))
    @protect()
    @safe
    def trail(self, pk):
        case = self._case(pk)
        if case is None:
            return self.response_404()
        return self._reply(schemas.Trail, 200,
                           result=case_trail(self.datamodel.session, case.id, masking.viewer_sees_whole()))


def _paging() -> tuple[int, int]:
    """``page`` from 0 and ``page_size`` from 1 to 100 (a 400 naming the argument beyond)."""
    found = []
    for name, default, low, high in (("page", 0, 0, 10**6), ("page_size", 50, 1, 100)):
        text = request.args.get(name)
        value = default if text is None else int(text) if text.isascii() and text.isdigit() else None
        if value is None or value < low or (high is not None and value > high):
            raise ApiRefusal(400, "bad_query", PAGE_ARGUMENT, name)
        found.append(value)
    return found[0], found[1]
