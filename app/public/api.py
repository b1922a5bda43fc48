"""``/api/v1/public/…``: the public pages as JSON, for a WeChat mini-program or the county's app. No login;
the same services, limits, captcha and honeypot as the pages, and nothing personal in any answer.

Errors have the API's one shape (:mod:`app.web.errors`); a report with several bad fields names the first
in ``error`` and every one under ``error.fields``.
"""
from __future__ import annotations

import json

from flask import Response, current_app, request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_babel import lazy_gettext as _l

from app.models.audit import utcnow
from app.public import captcha, guard
from app.public.pages import NOT_FOUND, lookup
from app.rules import InputError
from app.rules.inputs import CST
from app.services import public as service
from app.services.leads import LeadInvalid, report, response_hours
from app.services.disclosures import posted_list
from app.services.ledgers import LedgerRefused, Month
from app.services.rules import current_rules
from app.public.words import english
from app.web.input_errors import input_error
from app.web.lead_labels import problem_text, problems_text
from app.web.bodies import body_object
from app.web.errors import ApiRefusal, error_body

REPORT_FIELDS = ("person_name", "id_number", "phone", "township_id", "village", "address", "category", "severity",
                 "description")


def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, default=str), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


def _today():
    return utcnow().astimezone(CST).date()


def _county(code: str):
    county = service.county_region(current_app.appbuilder.session, current_rules(), code)
    if county is None:
        raise ApiRefusal(404, "no_county", NOT_FOUND_COUNTY, "county")
    return county


NOT_FOUND_COUNTY = _l("No county with this code.")
NOT_POSTED = _l("This month's list has not been posted yet.")


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
    @safe
    def checklist(self, code: str):
        """A county's categories and the documents to bring for each (一次性告知).
        ---
        get:
          summary: The one-time checklist of a county
          parameters:
          - {in: path, name: code, required: true, schema: {type: string}, description: 6-digit county code}
          responses:
            200:
              description: '{"county": {"code", "name"}, "categories": [{"category", "kind", "name", "documents"}]}'
            404:
              description: No county with this code has rules
        """
        county = _county(code)
        return _json({"county": {"code": county.code, "name": county.name},
                      "categories": service.checklist(current_rules(), code, _today(), english())})

    @expose("/captcha", methods=["GET"])
    @safe
    def new_captcha(self):
        """A captcha for the report and the status look-up (an image to show, a token to send back).
        ---
        get:
          summary: A new image captcha
          responses:
            200:
              description: '{"token": "...", "image": "data:image/png;base64,..."} — good once, for ten minutes'
        """
        return _json(captcha.challenge())

    @expose("/self-check", methods=["POST"])
    @safe
    def self_check(self):
        """Run the engine on a person's own figures; nothing is stored.
        ---
        post:
          summary: Self-check (自我评估)
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [county, kind, category, residency, area, size]
                  properties:
                    county: {type: string}
                    kind: {type: string, enum: [emergency, expenditure]}
                    category: {type: string, example: "incident:fire"}
                    severity: {type: string, enum: [light, heavy]}
                    residency: {type: string, enum: [local_hukou, residence_permit, none]}
                    area: {type: string, enum: [urban, rural]}
                    size: {type: integer, minimum: 1}
                    monthly_income: {type: string, description: "yuan per month, a decimal string"}
                    monthly_necessary_expenses: {type: string}
                    financial_assets: {type: string}
                    houses: {type: integer}
                    vehicles: {type: integer}
                    cost: {type: string}
          responses:
            200:
              description: '{"may_qualify": bool, "checks": [{"name", "passed"}], "category", "documents": [...]}'
        """
        body = body_object()
        code = str(body.get("county") or "")
        _county(code)
        try:
            result = service.self_check(current_rules(), code, body, _today())
        except InputError as exc:
            field, sentence = input_error(exc)
            return _json(error_body("input", sentence, field), 400)
        result["documents"] = next((r["documents"] for r in service.checklist(current_rules(), code, _today(), english())
                                    if r["category"] == result["category"]), [])
        return _json(result)

    @expose("/report", methods=["POST"])
    @safe
    def report(self):
        """Report a hardship (线索): it lands in the township's lead inbox. Needs a solved captcha.
        ---
        post:
          summary: Report a hardship online
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [person_name, phone, township_id, category, severity, description, captcha_token, captcha_answer]
                  properties:
                    person_name: {type: string}
                    id_number: {type: string, description: optional; needed to follow the report}
                    phone: {type: string}
                    township_id: {type: integer}
                    village: {type: string}
                    address: {type: string}
                    category: {type: string}
                    severity: {type: string, enum: [urgent, ordinary]}
                    description: {type: string, maxLength: 1000}
                    captcha_token: {type: string}
                    captcha_answer: {type: string}
          responses:
            201:
              description: '{"number": "XS…", "first_contact_within_hours": 24}'
        """
        body = body_object()
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
            first = next(iter(texts))
            payload = error_body(invalid.problems[first], texts[first], first)
            payload["error"]["fields"] = texts
            return _json(payload, 400)
        hours = response_hours(current_rules(), lead.county.code, lead.severity, _today())
        return _json({"number": lead.number, "first_contact_within_hours": hours}, 201)

    @expose("/status", methods=["POST"])
    @safe
    def status(self):
        """A case's or report's state, next step and due date, by its number and the ID number's last four
        characters. Needs a solved captcha. A wrong tail and an unknown number answer the same 404.
        ---
        post:
          summary: Follow a case or report
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [number, id_tail, captcha_token, captcha_answer]
                  properties:
                    number: {type: string}
                    id_tail: {type: string, minLength: 4, maxLength: 4}
                    captcha_token: {type: string}
                    captcha_answer: {type: string}
          responses:
            200:
              description: '{"number", "state", "next_steps": [...], "due_on": "YYYY-MM-DD" | null}'
            400:
              description: Captcha not solved
            404:
              description: No case or report with this number and tail
        """
        body = body_object()
        _captcha(body)
        found = lookup(str(body.get("number") or ""), str(body.get("id_tail") or ""))
        if found is None:
            raise ApiRefusal(404, "not_found", NOT_FOUND, "number")
        return _json(found)

    @expose("/counties/<code>/disclosure", methods=["GET"])
    @safe
    def disclosure(self, code: str):
        """A township's posted list (公示) of a month, masked as printed; without ``township``, the county's
        whole list. 404 ``not_posted`` while the month's list is not posted.
        ---
        get:
          summary: Posted list of assistance given
          parameters:
          - {in: path, name: code, required: true, schema: {type: string}}
          - {in: query, name: township, required: false, schema: {type: integer}}
          - {in: query, name: month, required: true, schema: {type: string, example: "2026-11"}}
          responses:
            200:
              description: '{"township", "month", "households", "total", "rows": [{"name", "id_number", "category", "amount", "paid_on"}]}'
            404:
              description: '{"error": {...}}: the list is not posted (yet)'
        """
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
        return _json({"township": township.name, "month": str(month), "households": listing.households,
                      "total": str(listing.total),
                      "rows": [{"name": r["name"], "id_number": r["id_number"], "category": r["category"],
                                "amount": str(r["amount"]), "paid_on": r["first_paid_on"]} for r in listing.rows]})
