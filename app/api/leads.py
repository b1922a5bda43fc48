"""``/api/v1/lead/``: the township's lead inbox over JSON (急难线索, 三、(一)(二)), for the county's app.

Thin over :mod:`app.services.leads`, as the inbox screens are: the list and a lead are scoped like the
inbox (``scope_clause``: another township's lead answers 404), accept / merge / close are the same service
calls in one transaction each, and personal data are masked for roles that do not work the case. A grid
worker reads ``/api/v1/lead/mine``: their own reports with the outcome only — the case's number and
state, or the reason it was closed — never the case's personal data.
"""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_appbuilder.api import BaseApi, expose, protect, safe
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.models import Lead
from app.models.audit import utcnow
from app.rules import InputError
from app.web import viewer as masking
from app.security.scope import in_scope, scope_clause
from app.services.deadlines import CST, as_utc
from app.services.intake import IntakeRefused
from app.services.leads import LeadInvalid, LeadRefused, accept, close, household_for, merge, register_household
from app.services.rules import current_rules
from app.web.bodies import body_object
from app.web.case_words import category_label
from app.web.errors import ApiRefusal, error_body, error_response
from app.web.lead_labels import REFUSALS, problems_text
from app.web.openapi import PAGE_SIZE_MAX, documented
from app.web.request_user import current_user
from app.web.schemas import leads as schemas
from app.web.schemas.base import load_body
from app.web.schemas.public import fields_error

SHOW = {"open": [Lead.state == "new"], "handled": [Lead.state != "new"], "all": []}
PAGING = _l("page is a whole number from 0; page_size from 1 to 100")
HOUSEHOLD_ELSEWHERE = _l("The household with this ID number is registered outside your jurisdiction.")
LIST_PARAMETERS = [
    {"in": "query", "name": "show", "required": False,
     "schema": {"type": "string", "enum": list(SHOW), "default": "open"},
     "description": "open leads by their clock (most urgent first), handled ones, or all (newest first)"},
    {"in": "query", "name": "page", "required": False, "schema": {"type": "integer", "minimum": 0, "default": 0}},
    {"in": "query", "name": "page_size", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX, "default": 25}},
]
#: a refusal of the lead service as (status, field): another's lead is "not found", a handled one a conflict
STEP_REFUSED = {"400": fields_error("Refused: a field at fault (each one named under error.fields), a figure the "
                                    "engine refuses, a household outside your jurisdiction")}
REFUSED = {"scope": (404, None), "not_open": (409, None), "household_required": (400, "household")}


def _moment(value) -> str | None:
    return None if value is None else as_utc(value).astimezone(CST).isoformat(timespec="seconds")


def _paging() -> tuple[int, int]:
    try:
        page, size = int(request.args.get("page", 0)), int(request.args.get("page_size", 25))
    except ValueError:
        raise ApiRefusal(400, "bad_paging", PAGING, "page") from None
    if page < 0 or not 1 <= size <= PAGE_SIZE_MAX:
        raise ApiRefusal(400, "bad_paging", PAGING, "page" if page < 0 else "page_size")
    return page, size


def _case(case) -> dict | None:
    return None if case is None else {"id": case.id, "number": case.number, "state": case.state}


def _row(lead: Lead, now) -> dict:
    return {"id": lead.id, "number": lead.number, "source": lead.source, "reported_at": _moment(lead.reported_at),
            "person_name": masking.shown("name", lead.person_name), "county": lead.county.code,
            "township_id": lead.township_id, "township": lead.township.name, "village": lead.village,
            "category": lead.category, "category_name": category_label(lead.category, lead.county.code),
            "severity": lead.severity, "state": lead.state, "first_contact_due": _moment(lead.first_contact_due),
            "overdue": lead.is_open and as_utc(lead.first_contact_due) < now}


def _detail(lead: Lead) -> dict:
    return {**_row(lead, utcnow()), "description": lead.description,
            "id_number": masking.shown("id_number", lead.id_number) or None,
            "phone": masking.shown("phone", lead.phone) or None,
            "address": masking.shown("address", lead.address) or None, "handled_at": _moment(lead.handled_at),
            "case": _case(lead.case), "close_reason": lead.close_reason,
            "photos": [url_for("LeadPhotoView.show", token=photo.token) for photo in lead.photos]}


def _mine(lead: Lead) -> dict:
    return {"number": lead.number, "reported_at": _moment(lead.reported_at), "category": lead.category,
            "category_name": category_label(lead.category, lead.county.code), "severity": lead.severity,
            "state": lead.state, "outcome": {"case_number": lead.case.number if lead.case else None,
                                              "case_state": lead.case.state if lead.case else None,
                                              "close_reason": lead.close_reason}}


class LeadApi(BaseApi):
    resource_name = "lead"
    class_permission_name = "LeadApi"
    openapi_spec_tag = "Leads (急难线索)"
    allow_browser_login = False  # bearer tokens only: no session cookie reaches these state changes
    base_permissions = ["can_get", "can_triage", "can_mine"]
    method_permission_name = {"inbox": "get", "one": "get", "accept": "triage", "merge": "triage",
                              "close": "triage", "mine": "mine"}

    @property
    def session(self):
        return current_app.appbuilder.session

    def _lead(self, pk: int) -> Lead:
        lead = self.session.scalar(select(Lead).where(Lead.id == pk, scope_clause(Lead, current_user()))
                                   .options(joinedload(Lead.township), joinedload(Lead.county),
                                            joinedload(Lead.case), selectinload(Lead.photos)))
        if lead is None:
            raise ApiRefusal(404, "not_found", _l("Not found"))
        return lead

    def _page(self, where, order, schema, shape):
        page, size = _paging()
        count = self.session.scalar(select(func.count(Lead.id)).where(*where))
        leads = self.session.scalars(select(Lead).where(*where).options(
            joinedload(Lead.township), joinedload(Lead.county), joinedload(Lead.case))
            .order_by(*order).offset(page * size).limit(size)).all()
        return self.response(200, **schema().dump({"count": count, "result": [shape(lead) for lead in leads]}))

    @expose("/", methods=["GET"])
    @documented("The lead inbox of your jurisdiction", method="get", reply=schemas.LeadList, errors=(400,),
                parameters=LIST_PARAMETERS,
                description="Scoped like the inbox screen: a township's caseworker sees their township's leads, "
                            "the county its townships'. Open leads come by their first-contact time.")
    @protect()
    @safe
    def inbox(self):
        shown = request.args.get("show", "open")
        if shown not in SHOW:
            raise ApiRefusal(400, "bad_show", _l("show is open, handled or all"), "show")
        order = (Lead.first_contact_due, Lead.id) if shown == "open" else (Lead.reported_at.desc(), Lead.id.desc())
        now = utcnow()
        return self._page([scope_clause(Lead, current_user()), *SHOW[shown]], order, schemas.LeadList,
                          lambda lead: _row(lead, now))

    @expose("/<int:pk>", methods=["GET"])
    @documented("One lead", method="get", reply=schemas.LeadDetail, errors=(404,))
    @protect()
    @safe
    def one(self, pk: int):
        return self.response(200, **schemas.LeadDetail().dump(_detail(self._lead(pk))))

    @expose("/mine", methods=["GET"])
    @documented("My reports and what became of each", method="get", reply=schemas.MyReports, errors=(400,),
                parameters=LIST_PARAMETERS[1:],
                description="A grid worker's own reports, newest first, with the outcome only: the case's "
                            "number and state, or the reason the lead was closed.")
    @protect()
    @safe
    def mine(self):
        user = current_user()
        return self._page([Lead.reported_by_id == user.id], (Lead.reported_at.desc(), Lead.id.desc()),
                          schemas.MyReports, _mine)

    def _step(self, pk: int, step, fields: dict[str, str] | None = None) -> object:
        """``step(lead)`` in one transaction; its problems answered on their fields (the service's names
        renamed by ``fields`` to the body's), nothing half-saved."""
        lead = self._lead(pk)
        try:
            step(lead)
            self.session.commit()
        except LeadInvalid as invalid:
            self.session.rollback()
            problems = {(fields or {}).get(k, k): v for k, v in invalid.problems.items()}
            texts = problems_text(problems)
            first = next(iter(texts))
            payload = error_body(problems[first], texts[first], first)
            payload["error"]["fields"] = texts
            return self.response(400, **payload)
        except LeadRefused as refused:
            self.session.rollback()
            status, field = REFUSED.get(refused.code, (400, None))
            return error_response(status, refused.code, REFUSALS.get(refused.code, REFUSALS["scope"]), field)
        except InputError as exc:
            self.session.rollback()
            return error_response(400, "input", exc.message, f"figures.{exc.field}" if exc.field else "figures")
        except IntakeRefused as exc:
            self.session.rollback()
            return error_response(400, exc.code, exc.message)
        return self.response(200, **schemas.LeadHandled().dump(
            {"id": lead.id, "number": lead.number, "state": lead.state, "case": _case(lead.case)}))

    @expose("/<int:pk>/accept", methods=["POST"])
    @documented("Accept a lead into an intake", body=schemas.AcceptBody, reply=schemas.LeadHandled,
                errors=(400, 404, 409), responses=STEP_REFUSED,
                description="The household the reported ID number finds (in your jurisdiction), else the one "
                            "registered from ``household``; then the intake with ``figures``, as POST "
                            "/api/v1/case/intake. The lead and the case are saved together or not at all.")
    @protect()
    @safe
    def accept(self, pk: int):
        body = load_body(schemas.AcceptBody, body_object())
        user, rules = current_user(), current_rules()

        def step(lead):
            household = household_for(self.session, lead)
            if household is not None and not in_scope(household, user):
                raise ApiRefusal(400, "household_scope", HOUSEHOLD_ELSEWHERE, "household")
            if household is None and body.get("household"):
                try:
                    household = register_household(self.session, lead, body["household"], user)
                except LeadInvalid as invalid:
                    raise LeadInvalid({f"household.{k}": v for k, v in invalid.problems.items()}) from None
            accept(self.session, lead, user, rules, body["figures"], household)
        return self._step(pk, step)

    @expose("/<int:pk>/merge", methods=["POST"])
    @documented("Merge a lead with an open case", body=schemas.MergeBody, reply=schemas.LeadHandled,
                errors=(400, 404, 409), responses=STEP_REFUSED, example={"case_number": "370811-2026-000017"})
    @protect()
    @safe
    def merge(self, pk: int):
        body = load_body(schemas.MergeBody, body_object())
        return self._step(pk, lambda lead: merge(self.session, lead, body["case_number"], current_user()))

    @expose("/<int:pk>/close", methods=["POST"])
    @documented("Close a lead with a reason", body=schemas.CloseBody, reply=schemas.LeadHandled,
                errors=(400, 404, 409), responses=STEP_REFUSED, example={"reason": "经核实已由亲属救助"})
    @protect()
    @safe
    def close(self, pk: int):
        body = load_body(schemas.CloseBody, body_object())
        return self._step(pk, lambda lead: close(self.session, lead, current_user(), body["reason"]),
                          {"close_reason": "reason"})
