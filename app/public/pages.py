"""The public pages (no login), Chinese first and phone-sized: a county's temporary assistance and its
checklists (一次性告知), a self-check (自我评估, nothing stored), an online report that lands in the township's
lead inbox, the status look-up by number and ID tail, and the posted disclosure lists (公示, masked).

Thin: every answer comes from :mod:`app.services.public`, :mod:`app.services.leads` or the ledgers; every
form is rate-limited per address (:mod:`app.public.guard`) and the report and the look-up take a captcha.
"""
from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from app.public import captcha, guard
from app.public.words import english, status_words
from app.rules import InputError
from app.services import public as service
from app.services.deadlines import china_today
from app.services.leads import LeadInvalid, categories_of, report, response_hours
from app.services.disclosures import posted_list
from app.services.ledgers import LedgerRefused, Month
from app.services.rules import current_rules
from app.web.case_words import CHECK_LABELS, category_label
from app.web.input_errors import input_error
from app.web.lead_forms import category_choices, submitted, townships_for
from app.web.lead_labels import SEVERITIES, problem_text, problems_text

SELF_CHECK_FIELDS = ("kind", "category", "residency", "area", "size", "monthly_income", "monthly_necessary_expenses",
                     "financial_assets", "houses", "vehicles", "cost", "severity")


def _session():
    return current_app.appbuilder.session


def _county(code: str):
    county = service.county_region(_session(), current_rules(), code)
    if county is None:
        abort(404)
    return county


def _page(template: str, status: int = 200, **context):
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"  # a shared phone or a kiosk keeps no answer
    return response


def index():
    rules, session = current_rules(), _session()
    counties = [c for c in (service.county_region(session, rules, code) for code in rules.counties()) if c]
    return _page("public/index.html", counties=counties)


def county_page(code: str):
    county = _county(code)
    rows = service.checklist(current_rules(), code, china_today(), english())
    return _page("public/county.html", county=county, categories=rows)


def _field_of(exc: InputError) -> str | None:
    field, _sentence = input_error(exc)
    field = re.sub(r"\[\d+\]$", "", field or "")
    return field.removeprefix("household.") or None


def self_check(code: str):
    county = _county(code)
    rules = current_rules()
    values, errors, result = {k: request.form.get(k, "") for k in SELF_CHECK_FIELDS}, {}, None
    if request.method == "POST":
        try:
            result = service.self_check(rules, code, values, china_today())
        except InputError as exc:
            field = _field_of(exc)
            errors[field if field in SELF_CHECK_FIELDS else "_form"] = input_error(exc)[1]
    documents = []
    if result is not None:
        documents = next((r["documents"] for r in service.checklist(rules, code, china_today(), english())
                          if r["category"] == result["category"]), [])
    return _page("public/self_check.html", county=county, values=values, errors=errors, result=result,
                 documents=documents, check_labels=CHECK_LABELS, categories=_categories(code))


def _categories(code: str) -> list[tuple[str, str]]:
    return [(c, category_label(c, code)) for c in categories_of(current_rules(), code, china_today())]


def report_form(code: str):
    county = _county(code)
    session, rules = _session(), current_rules()
    townships = [t for t in townships_for(session) if t.parent_id == county.id]
    values, errors, lead, status = submitted(request.form), {}, None, 200
    if request.method == "POST":
        if guard.bot_filled(request.form):
            errors, status = {"_form": problem_text("honeypot")}, 400
        elif not captcha.solved(request.form.get("captcha_token"), request.form.get("captcha_answer")):
            errors, status = {"captcha": problem_text("captcha")}, 400
        elif values.get("township_id") not in {str(t.id) for t in townships}:
            errors, status = {"township_id": problem_text("required" if not values.get("township_id") else "unknown")}, 400
        else:
            try:
                lead = report(session, values, rules, None)
                session.commit()
            except LeadInvalid as invalid:
                session.rollback()
                errors, status = problems_text(invalid.problems), 400
    if lead is not None:
        hours = response_hours(rules, code, lead.severity, china_today())
        return _page("public/report_sent.html", county=county, number=lead.number, hours=hours)
    return _page("public/report.html", status, county=county, values=values, errors=errors, townships=townships,
                 categories=category_choices(rules, townships), severities=SEVERITIES,
                 challenge=captcha.challenge())


def status_lookup():
    found, error, status = None, None, 200
    number = (request.form.get("number") or "").strip()
    if request.method == "POST":
        if not captcha.solved(request.form.get("captcha_token"), request.form.get("captcha_answer")):
            error, status = problem_text("captcha"), 400
        else:
            found = lookup(number, request.form.get("id_tail"))
            if found is None:
                error, status = str(NOT_FOUND), 404
    return _page("public/status.html", status, number=number, found=found, error=error,
                 challenge=captcha.challenge())


NOT_FOUND = _l("No case or report with this number and these last four characters. Please check both.")


def lookup(number: str, tail: str | None) -> dict | None:
    """The status in words, or None — the same for a wrong tail, an unknown number and a locked number."""
    if guard.number_locked(number):
        return None
    found = service.status(_session(), number, tail or "")
    if found is None:
        guard.count_failure(number)
        return None
    return status_words(found)


def disclosure(code: str):
    county = _county(code)
    townships = [t for t in townships_for(_session()) if t.parent_id == county.id]
    township = next((t for t in townships if str(t.id) == request.args.get("township")), None)
    month, listing, error = request.args.get("month") or f"{china_today():%Y-%m}", None, None
    if request.args:
        try:
            listing = posted_list(_session(), township or county, Month.parse(month))
        except LedgerRefused:
            error = str(_l("Choose a month (year and month)."))
        else:
            if listing is None:
                error = str(_l("This month's list has not been posted yet."))
    return _page("public/disclosure.html", county=county, townships=townships, township=township,
                 listing=listing, error=error, month=month, category_label=category_label)


def register(app) -> None:
    """The routes, each under its limit; called by :func:`app.public.init_public`."""
    routes = (
        ("/", "index", index, ["GET"], "PUBLIC_READ_RATE_LIMIT"),
        ("/status", "status", status_lookup, ["GET", "POST"], "PUBLIC_LOOKUP_RATE_LIMIT"),
        ("/<code>/", "county", county_page, ["GET"], "PUBLIC_READ_RATE_LIMIT"),
        ("/<code>/self-check", "self_check", self_check, ["GET", "POST"], "PUBLIC_LOOKUP_RATE_LIMIT"),
        ("/<code>/report", "report", report_form, ["GET", "POST"], "PUBLIC_FORM_RATE_LIMIT"),
        ("/<code>/disclosure", "disclosure", disclosure, ["GET"], "PUBLIC_READ_RATE_LIMIT"),
    )
    bp = Blueprint("public", __name__, url_prefix="/public")  # one per app: tests make several apps
    for rule, endpoint, view, methods, setting in routes:
        if "POST" in methods:  # the form's own limit on sending; showing it (a captcha drawn) the read limit
            view = guard.limited(guard.limited(view, setting, ["POST"]), "PUBLIC_READ_RATE_LIMIT", ["GET"])
        else:
            view = guard.limited(view, setting)
        bp.add_url_rule(rule, endpoint, view, methods=methods)
    from app.public.words import english

    bp.context_processor(lambda: {"english": english()})
    app.register_blueprint(bp)
