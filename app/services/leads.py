"""Leads (急难线索): report, triage, outcome (三、(一) 主动发现, 三、(二) 互联网+).

One transaction per call, the acting user an argument (``None`` for the public form). A report is
validated whole — every field's problem at once, nothing saved on any — and gets the response clock of
the county's ``leads.first_contact_hours`` for its severity. The township then accepts it into a case
(through :func:`app.services.intake.intake`, like any application: household found by ID number or
created), merges it with an open case, or closes it with a reason.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.idnumber import normalise, problem
from app.models import Case, Household, Lead, Region
from app.models.audit import utcnow
from app.models.lead import LEAD_SEVERITIES
from app.names import clean_name, name_problem
from app.rules.inputs import CST
from app.security.scope import in_scope, user_scope
from app.services.audit import acting
from app.services.lead_photos import PhotoRefused, photo_rows

PHONE = re.compile(r"\+?[0-9][0-9 -]{5,18}[0-9]").fullmatch
TRIAGE_SCOPES = ("township", "county", "city")
LENGTHS = {"village": 64, "address": 200, "description": 1000, "close_reason": 500}


class LeadInvalid(ValueError):
    """Bad input: ``problems`` maps each field to a code (``required``, ``too_long``, ``unknown`` …)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


class LeadRefused(Exception):
    """The lead may not be handled so: ``scope``, ``not_open``, ``case_closed`` …"""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def categories_of(rules, county_code: str, day: dt.date) -> dict[str, str]:
    """``{"incident:fire": "火灾", …}``: the categories of the county's rules in force on ``day``."""
    effective = rules.effective(county_code, day)
    return {f"{kind}:{code}": (spec or {}).get("name", code)
            for kind, entries in (effective.get("categories") or {}).items()
            for code, spec in (entries or {}).items() if spec is not None}


def response_hours(rules, county_code: str, severity: str, day: dt.date) -> int | None:
    hours = ((rules.effective(county_code, day).get("leads") or {}).get("first_contact_hours") or {}).get(severity)
    return None if hours is None else int(hours["value"])


def _text(data: dict, name: str, problems: dict, required: bool = False) -> str | None:
    value = data.get(name)
    value = " ".join(str(value).split()) or None if value is not None else None
    if value is None:
        if required:
            problems[name] = "required"
        return None
    if name in LENGTHS and len(value) > LENGTHS[name]:
        problems[name] = "too_long"
    return value


def _township(session: Session, value, problems: dict) -> Region | None:
    try:
        township = session.get(Region, int(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        township = None
    if township is None or township.level != "township":
        problems["township_id"] = "required" if value in (None, "") else "unknown"
        return None
    return township


def may_report_in(user, township: Region) -> bool:
    """A grid worker reports in the region they cover: their township, or any township of their county."""
    if user is None:
        return True  # the public form: anywhere in the city
    if user_scope(user) == "city":
        return True
    region = user.region
    return region is not None and (region.id == township.id or region.id == township.parent_id)


def clean_report(session: Session, data: dict, rules, user=None, now: dt.datetime | None = None) -> dict:
    """The validated fields of a report, or :class:`LeadInvalid` naming every problem."""
    now = now or utcnow()
    problems: dict[str, str] = {}
    name = _text(data, "person_name", problems, required=True)
    if name is not None and name_problem(name):
        problems["person_name"] = name_problem(name)
    id_number = normalise(_text(data, "id_number", problems))
    if id_number is not None and problem(id_number):
        problems["id_number"] = problem(id_number)
    phone = _text(data, "phone", problems, required=user is None)  # the office must be able to call back
    if phone is not None and not PHONE(phone):
        problems["phone"] = "invalid"
    township = _township(session, data.get("township_id"), problems)
    if township is not None and not may_report_in(user, township):
        problems["township_id"] = "scope"
    severity = _text(data, "severity", problems, required=True)
    if severity is not None and severity not in LEAD_SEVERITIES:
        problems["severity"] = "unknown"
    category = _text(data, "category", problems, required=True)
    today = now.astimezone(CST).date()
    if township is not None and category is not None \
            and category not in categories_of(rules, township.parent.code, today):
        problems["category"] = "unknown"
    if township is not None and severity in LEAD_SEVERITIES \
            and response_hours(rules, township.parent.code, severity, today) is None:
        problems["severity"] = "no_clock"  # the county's rules give no response time for it
    cleaned = {"person_name": clean_name(name) if name else None, "id_number": id_number, "phone": phone,
               "township": township, "village": _text(data, "village", problems),
               "address": _text(data, "address", problems), "category": category, "severity": severity,
               "description": _text(data, "description", problems, required=True)}
    if problems:
        raise LeadInvalid(problems)
    return cleaned


def report(session: Session, data: dict, rules, user=None, photos: list[bytes] = (), photo_limits: dict | None = None,
           now: dt.datetime | None = None) -> Lead:
    """Record one report; the lead lands in its township's inbox with its clock. ``user`` is the grid
    worker, or None for the public form."""
    now = now or utcnow()
    fields = clean_report(session, data, rules, user, now)
    try:
        rows = photo_rows(list(photos), photo_limits) if photos else []
    except PhotoRefused as refused:
        raise LeadInvalid({"photos": refused.code}) from refused
    township = fields.pop("township")
    hours = response_hours(rules, township.parent.code, fields["severity"], now.astimezone(CST).date())
    lead = Lead(number=f"XS{now.astimezone(CST):%y%m%d}{secrets.token_hex(4).upper()}",
                source="public" if user is None else "grid_worker", reported_by_id=getattr(user, "id", None),
                reported_at=now, township=township, county=township.parent, state="new",
                first_contact_due=now + dt.timedelta(hours=hours), photos=rows, **fields)
    session.add(lead)
    with acting(session, getattr(user, "id", None), "lead_report"):
        session.flush()
    return lead


def _open_lead_for(lead: Lead, user) -> None:
    if user_scope(user) not in TRIAGE_SCOPES or not in_scope(lead, user):
        raise LeadRefused("scope")
    if not lead.is_open:
        raise LeadRefused("not_open")


def household_for(session: Session, lead: Lead) -> Household | None:
    """The household the lead is about, found by the ID number reported (None when none was, or none
    is registered)."""
    if not lead.id_number:
        return None
    return session.scalar(select(Household).where(Household.id_number == lead.id_number))


def _finish(session: Session, lead: Lead, user, state: str, now: dt.datetime | None, action: str, **values) -> Lead:
    lead.state, lead.handled_by_id, lead.handled_at = state, user.id, now or utcnow()
    for key, value in values.items():
        setattr(lead, key, value)
    with acting(session, user.id, action):
        session.flush()
    return lead


def accept(session: Session, lead: Lead, user, rules, figures: dict, household: Household | None = None,
           now: dt.datetime | None = None) -> Case:
    """Accept the lead into a case: the household the ID number finds, else ``household`` (new, built by
    the caller from the prefilled form), then :func:`intake` with the figures. Raises what intake raises;
    the caller rolls back, so nothing is half-saved."""
    from app.services.intake import intake

    _open_lead_for(lead, user)
    household = household_for(session, lead) or household
    if household is None:
        raise LeadRefused("household_required")
    if household.id is None:
        session.add(household)
        with acting(session, user.id, "lead_accept"):
            session.flush()
    case = intake(session, household, figures, user, rules, now=now, incident=incident_of(lead))
    _finish(session, lead, user, "accepted", now, "lead_accept", case=case)
    return case


def incident_of(lead: Lead) -> dict:
    """What the case records of what happened where, from the lead."""
    return {"incident_place": " ".join(filter(None, (lead.village, lead.address)))[:200] or None,
            "incident": lead.description[:500]}


def merge(session: Session, lead: Lead, case_number: str, user, now: dt.datetime | None = None) -> Lead:
    """The lead is about a case already open: recorded on it, no second case."""
    _open_lead_for(lead, user)
    case = session.scalar(select(Case).where(Case.number == (case_number or "").strip()))
    if case is None or not in_scope(case, user):
        raise LeadInvalid({"case_number": "unknown"})
    if case.state in ("closed", "rejected"):
        raise LeadInvalid({"case_number": "case_closed"})
    return _finish(session, lead, user, "merged", now, "lead_merge", case=case)


def close(session: Session, lead: Lead, user, reason: str, now: dt.datetime | None = None) -> Lead:
    """Closed without a case (not in hardship, moved away, helped otherwise): the reason is required."""
    _open_lead_for(lead, user)
    problems: dict[str, str] = {}
    text = _text({"close_reason": reason}, "close_reason", problems, required=True)
    if problems:
        raise LeadInvalid(problems)
    return _finish(session, lead, user, "closed", now, "lead_close", close_reason=text)


def _overdue(query, now: dt.datetime, county_code: str | None, clause):
    query = query.where(Lead.state == "new", Lead.first_contact_due < now)
    if county_code:
        query = query.where(Lead.county.has(Region.code == county_code))
    return query if clause is None else query.where(clause)


def overdue_leads(session: Session, now: dt.datetime, county_code: str | None = None, clause=None):
    """Open leads whose first-contact time has passed, most overdue first (one query)."""
    query = select(Lead).options(joinedload(Lead.township), joinedload(Lead.county)).order_by(Lead.first_contact_due)
    return session.scalars(_overdue(query, now, county_code, clause)).all()


def overdue_lead_count(session: Session, now: dt.datetime, clause=None) -> int:
    """How many :func:`overdue_leads` there are (one count, in SQL)."""
    return session.scalar(_overdue(select(func.count()).select_from(Lead), now, None, clause))


HOUSEHOLD_CHOICES = {"area": ("urban", "rural"), "residency": ("local_hukou", "residence_permit", "none")}


def register_household(session: Session, lead: Lead, fields: dict, user) -> Household:
    """A household for a lead whose person is not registered yet, in the lead's township: the form is
    prefilled from the lead; the ID number is required here (a case needs one). All problems at once."""
    _open_lead_for(lead, user)
    problems: dict[str, str] = {}
    name = _text(fields, "head_name", problems, required=True)
    if name is not None and name_problem(name):
        problems["head_name"] = name_problem(name)
    id_number = normalise(_text(fields, "id_number", problems, required=True))
    if id_number is not None and problem(id_number):
        problems["id_number"] = problem(id_number)
    elif id_number is not None and session.scalar(select(Household.id).where(Household.id_number == id_number)):
        problems["id_number"] = "registered"
    for key, allowed in HOUSEHOLD_CHOICES.items():
        if fields.get(key) not in allowed:
            problems[key] = "unknown"
    try:
        size = int(fields.get("size", ""))
        if size < 1:
            raise ValueError
    except (TypeError, ValueError):
        problems["size"] = "whole"
    phone = _text(fields, "phone", problems)
    if phone is not None and not PHONE(phone):
        problems["phone"] = "invalid"
    address = _text(fields, "address", problems)
    if problems:
        raise LeadInvalid(problems)
    household = Household(id_number=id_number, head_name=name, township=lead.township, area=fields["area"],
                          residency=fields["residency"], size=size, phone=phone, address=address)
    session.add(household)
    if lead.id_number is None:
        lead.id_number = id_number  # the lead now names the person the case is about
    with acting(session, user.id, "lead_household"):
        session.flush()
    return household


def link_case(session: Session, lead: Lead, case: Case, user, now: dt.datetime | None = None) -> Lead:
    """The lead was taken in through the intake screen as ``case`` (same transaction as the intake)."""
    _open_lead_for(lead, user)
    if case.township_id != lead.township_id and not in_scope(case, user):
        raise LeadRefused("scope")
    return _finish(session, lead, user, "accepted", now, "lead_accept", case=case)
