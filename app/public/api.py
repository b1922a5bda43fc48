"""``/api/v1/public/…``: the public pages as JSON, for a WeChat mini-program or the county's app. No login;
the same services, limits, captcha and honeypot as the pages, and nothing personal in any answer.

Errors have the API's one shape (:mod:`app.web.errors`); a report with several bad fields names the first
in ``error`` and every one under ``error.fields``.
"""
from __future__ import annotations

import json

import yaml
from flask import Response, current_app, request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from app.public import captcha, guard
from app.public.pages import NOT_FOUND, lookup
from app.rules import InputError
from app.services import public as service
from app.services.deadlines import china_today
from app.services.leads import LeadInvalid, report, response_hours
from app.services.disclosures import posted_list
from app.services.ledgers import LedgerRefused, Month
from app.services.rules import current_rules
from app.public.words import english
from app.web.input_errors import input_error
from app.web.lead_labels import problem_text, problems_text
from app.web.bodies import body_object
from app.web.errors import ApiRefusal, error_body
from app.web.openapi import documented
from app.web.schemas import public as schemas
from app.web.schemas.base import as_text, worded

REPORT_FIELDS = ("person_name", "id_number", "phone", "township_id", "village", "address", "category", "severity",
                 "description")
BODY_FAULTS = "A field of the body is missing, unknown or malformed: each one named under error.fields"
CODE_PARAMETER = [{"in": "path", "name": "code", "required": True, "schema": {"type": "string"},
                   "description": "6-digit county code"}]


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, default=str), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


def _county(code: str):
    county = service.county_region(current_app.appbuilder.session, current_rules(), code)
    if county is None:
        raise ApiRefusal(404, "no_county", NOT_FOUND_COUNTY, "county")
    return county


NOT_FOUND_COUNTY = _l("No county with this code.")
NOT_POSTED = _l("This month's list has not been posted yet.")


def _fields_refused(status: int, code: str, texts: dict[str, str]) -> Response:
    """Every field at fault in the caller's language under ``error.fields``; the first one in ``error``."""
    first = sorted(texts)[0]
    payload = error_body(code, texts[first], first)
    payload["error"]["fields"] = texts
    return _json(payload, status)


def _flat(messages) -> str:
    while isinstance(messages, (list, dict)) and messages:
        messages = messages[0] if isinstance(messages, list) else next(iter(messages.values()))
    return str(messages)


def _loaded(schema) -> tuple[dict | None, Response | None]:
    """The body loaded by its schema, or a 422 naming each field at fault (unknown ones included)."""
    try:
        return schema().load(body_object()), None
    except ValidationError as exc:
        return None, _fields_refused(422, "invalid", {str(k): worded(_flat(v)) for k, v in exc.messages.items()})


def _reply(schema, data: dict, status: int = 200) -> Response:
    """An answer dumped by its documented schema: what the document says is what is sent."""
    return _json(schema().dump(data), status)


def public(func):
    """A public operation asks no login: its document names no 401 or 403."""
    summary, _, spec = func.__doc__.partition("\n---\n")
    operation = yaml.safe_load(spec)
    for method in operation.values():
        for status in ("401", "403"):
            method["responses"].pop(status, None)
    func.__doc__ = f"{summary}\n---\n" + yaml.safe_dump(operation, allow_unicode=True, sort_keys=False)
    return func


def _captcha(body: dict) -> None:
    if not captcha.solved(body.get("captcha_token"), body.get("captcha_answer")):
        raise ApiRefusal(400, "captcha", problem_text("captcha"), "captcha_answer")


class PublicApi(BaseApi):
    """No ``@protect``: every method is public, each under its per-address limit."""

    resource_name = "public"
    openapi_spec_tag = "Public (no login)"
    allow_browser_login = False

    def __init__(self):
        super().__init__()
        limits = {"checklist": "PUBLIC_READ_RATE_LIMIT", "disclosure": "PUBLIC_READ_RATE_LIMIT",
                  "new_captcha": "PUBLIC_READ_RATE_LIMIT", "self_check": "PUBLIC_LOOKUP_RATE_LIMIT",
                  "status": "PUBLIC_LOOKUP_RATE_LIMIT", "report": "PUBLIC_FORM_RATE_LIMIT"}
        for name, setting in limits.items():
            setattr(self, name, guard.limited(getattr(self, name), setting))

    @expose("/counties/<code>/checklist", methods=["GET"])
    @public
    @documented("The one-time checklist of a county (一次性告知)", method="get", reply=schemas.Checklist,
                errors=(404, 429), parameters=CODE_PARAMETER,
                description="The county's categories and the documents to bring for each, from its rule file.")
    @safe
    def checklist(self, code: str):
        county = _county(code)
        return _reply(schemas.Checklist, {"county": {"code": county.code, "name": county.name},
                                          "categories": service.checklist(current_rules(), code, china_today(), english())})

    @expose("/captcha", methods=["GET"])
    @public
    @documented("A new image captcha", method="get", reply=schemas.CaptchaChallenge, errors=(429,),
                description="For the report and the status look-up: an image to show, a token to send back "
                            "with its characters (good once, for ten minutes).")
    @safe
    def new_captcha(self):
        return _reply(schemas.CaptchaChallenge, captcha.challenge())

    @expose("/self-check", methods=["POST"])
    @public
    @documented("Self-check (自我评估)", body=schemas.SelfCheckBody, reply=schemas.SelfCheckResult,
                errors=(400, 404, 429), responses={"422": schemas.fields_error(BODY_FAULTS)},
                example={"county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
                         "residency": "local_hukou", "area": "rural", "size": 2},
                description="The engine runs on a person's own figures with the county's rules in force today; "
                            "nothing is stored. A figure the engine refuses answers 400 on its field.")
    @safe
    def self_check(self):
        body, refused = _loaded(schemas.SelfCheckBody)
        if refused is not None:
            return refused
        code = body.pop("county")
        _county(code)
        try:
            result = service.self_check(current_rules(), code, as_text(body), china_today())
        except InputError as exc:
            field, sentence = input_error(exc)
            return _json(error_body("input", sentence, (field or "").removeprefix("household.") or None), 400)
        result["documents"] = next((r["documents"] for r in service.checklist(current_rules(), code, china_today(), english())
                                    if r["category"] == result["category"]), [])
        return _reply(schemas.SelfCheckResult, result)

    @expose("/report", methods=["POST"])
    @public
    @documented("Report a hardship online", body=schemas.ReportBody, reply=schemas.ReportSent, status=201,
                errors=(400, 429), responses={"422": schemas.fields_error(BODY_FAULTS), "400": schemas.fields_error(
                    "Refused: a field the county's rules or the regions do not know, the captcha, the honeypot")},
                example={"person_name": "陈三", "phone": "13600000000", "township_id": 1,
                         "category": "incident:fire", "severity": "urgent", "description": "房屋失火",
                         "captcha_token": "…", "captcha_answer": "ACDE"},
                description="It lands in the township's lead inbox (线索). Needs a solved captcha. Every field "
                            "at fault is named under error.fields (the first one in error).")
    @safe
    def report(self):
        body, refused = _loaded(schemas.ReportBody)
        if refused is not None:
            return refused
        if guard.bot_filled(body):
            raise ApiRefusal(400, "refused", problem_text("honeypot"))
        _captcha(body)
        session = current_app.appbuilder.session
        try:
            lead = report(session, {k: body.get(k) for k in REPORT_FIELDS}, current_rules(), None)
            session.commit()
        except LeadInvalid as invalid:
            session.rollback()
            texts = problems_text(invalid.problems)
            first = sorted(texts)[0]
            return _fields_refused(400, invalid.problems[first], texts)
        hours = response_hours(current_rules(), lead.county.code, lead.severity, china_today())
        return _reply(schemas.ReportSent, {"number": lead.number, "first_contact_within_hours": hours}, 201)

    @expose("/status", methods=["POST"])
    @public
    @documented("Follow a case or report", body=schemas.StatusBody, reply=schemas.StatusFound,
                errors=(400, 404, 429), responses={"422": schemas.fields_error(BODY_FAULTS)},
                example={"number": "XS261201A1B2C3D4", "id_tail": "123X", "captcha_token": "…",
                         "captcha_answer": "ACDE"},
                description="A case's or report's state, next step and due date, by its number and the ID "
                            "number's last four characters; needs a solved captcha. A wrong tail and an unknown "
                            "number answer the same 404.")
    @safe
    def status(self):
        body, refused = _loaded(schemas.StatusBody)
        if refused is not None:
            return refused
        _captcha(body)
        found = lookup(body["number"], body["id_tail"])
        if found is None:
            raise ApiRefusal(404, "not_found", NOT_FOUND, "number")
        return _reply(schemas.StatusFound, found)

    @expose("/counties/<code>/disclosure", methods=["GET"])
    @public
    @documented("Posted list of assistance given (公示)", method="get", reply=schemas.PostedList,
                errors=(400, 404, 429),
                parameters=CODE_PARAMETER + [
                    {"in": "query", "name": "township", "required": False, "schema": {"type": "integer"}},
                    {"in": "query", "name": "month", "required": True,
                     "schema": {"type": "string", "example": "2026-11"}}],
                description="A township's posted list of a month, masked as printed; without township, the "
                            "county's whole list. 404 not_posted while the month's list is not posted.")
    @safe
    def disclosure(self, code: str):
        county = _county(code)
        session = current_app.appbuilder.session
        from app.models import Region

        township = county
        if request.args.get("township"):
            township = session.get(Region, request.args.get("township", type=int) or 0)
            if township is None or township.parent_id != county.id:
                raise ApiRefusal(400, "township", problem_text("unknown"), "township")
        try:
            month = Month.parse(request.args.get("month"))
        except LedgerRefused:
            raise ApiRefusal(400, "month", problem_text("unknown"), "month") from None
        listing = posted_list(session, township, month)
        if listing is None:
            raise ApiRefusal(404, "not_posted", NOT_POSTED, "month")
        return _reply(schemas.PostedList, {
            "township": township.name, "month": str(month), "households": listing.households,
            "total": listing.total,
            "rows": [{"name": r["name"], "id_number": r["id_number"], "category": r["category"],
                      "amount": r["amount"], "paid_on": r["first_paid_on"]} for r in listing.rows]})
