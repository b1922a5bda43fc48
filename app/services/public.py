"""What the public pages (no login) may know, and nothing more (三、(二) 互联网+, 三、(六) 一次性告知).

- :func:`checklist` — a county's categories with the documents to bring, from its rule file.
- :func:`self_check` — the engine run on figures a person types; nothing is stored, and only "may
  qualify", the checks' names and the documents go back.
- :func:`status` — a case's (or a lead's) state, next step and due date, for its number with the last four
  characters of the ID number; a wrong tail and an unknown number answer the same ``None``, and a number
  tried too often with wrong tails answers ``None`` for a day whatever is sent (enumeration and brute
  force gain nothing). Never a name, an amount or an ID number.
"""
from __future__ import annotations

import datetime as dt
import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.models import Case, Lead, Region
from app.rules import InputError, evaluate
from app.services.deadlines import as_utc
from app.services.workflow_def import workflow
from app.rules.inputs import CST

REFUSED_STATES = ("rejected",)


def county_region(session: Session, rules, code: str) -> Region | None:
    """The county of a public page: one with a rule file."""
    if code not in rules.counties():
        return None
    return session.scalar(select(Region).where(Region.code == code, Region.level == "county"))


def checklist(rules, county: str, day: dt.date, english: bool = False) -> list[dict]:
    """``[{"category", "kind", "name", "documents"}]`` of the county's rules in force on ``day``."""
    rows = []
    for c in rules.categories(county, day):
        name = c.name_en if english and c.name_en else c.name
        documents = list(c.documents_en if english and c.documents_en else c.documents)
        rows.append({"category": f"{c.kind}:{c.code}", "kind": c.kind, "name": name, "documents": documents})
    return rows


def _months(rules, county: str, day: dt.date) -> tuple[int, int]:
    params = rules.county(county).params(day)
    return (int(params["eligibility.expenditure.income_months"].value),
            int(params["eligibility.expenditure.net_income_months"].value))


COUNTS = ("size", "houses", "vehicles")


def _typed(figures: dict) -> dict:
    """Form text as the engine's types: counts as whole numbers (what is no number stays, for the engine to
    name), money as decimal text, blanks left out."""
    typed = {}
    for key, value in figures.items():
        if value in (None, ""):
            continue
        if key in COUNTS and isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        typed[key] = value.strip() if isinstance(value, str) else value
    return typed


def self_check(rules, county: str, figures: dict, day: dt.date) -> dict:
    """Run the engine on a person's own figures (one monthly income and expense, repeated over the months
    the county compares). Raises :class:`InputError` on a bad figure; stores nothing."""
    figures = _typed(figures)
    if rules.county(county) is None:
        raise InputError("county", f"no rule file for county {county}")
    kind = figures.get("kind")
    data = {"county": county, "kind": kind, "category": figures.get("category"),
            "application_date": day.isoformat(), "residency": figures.get("residency"),
            "area": figures.get("area"), "household": {"size": figures.get("size")}}
    if kind == "expenditure":
        income_months, net_months = _months(rules, county, day)
        data["household"].update(
            monthly_income=[figures.get("monthly_income", "0")] * income_months,
            monthly_necessary_expenses=[figures.get("monthly_necessary_expenses", "0")] * net_months,
            financial_assets=figures.get("financial_assets", "0"), houses=figures.get("houses", 0),
            vehicles=figures.get("vehicles", 0))
        data["cost"] = figures.get("cost", "0")
    elif kind == "emergency":
        data["severity"] = figures.get("severity") or "light"
        if "cost" in figures:
            data["cost"] = figures["cost"]
    verdict = evaluate(data, rules)
    return {"may_qualify": bool(verdict["eligible"]),
            "checks": [{"name": c["name"], "passed": bool(c["passed"])} for c in verdict["checks"]],
            "category": verdict["category"]}


def _tail_fits(id_number: str | None, tail: str) -> bool:
    return bool(id_number) and hmac.compare_digest(id_number[-4:].upper(), (tail or "").strip().upper()[-4:]) \
        and len((tail or "").strip()) == 4


def _case_status(case: Case) -> dict:
    flow = workflow().flow_of(case)
    steps = [(t.label_zh, t.label_en) for t in flow.available(case.state)
             if not t.internal and t.target not in REFUSED_STATES]
    due = as_utc(case.due_at).astimezone(CST).date() if case.due_at is not None else None
    return {"number": case.number, "of": "case", "state": case.state, "next_steps": steps, "due_on": due}


def status(session: Session, number: str, tail: str) -> dict | None:
    """The state of the case or lead ``number`` (``of``: ``case`` | ``lead``, ``state`` a code, the next
    steps as (zh, en) labels, ``due_on`` a date) if ``tail`` is the last four characters of its ID number;
    ``None`` otherwise, alike for a wrong tail and an unknown number."""
    number = (number or "").strip().upper()
    if not number or len(number) > 32:
        return None
    if number.startswith("XS"):
        lead = session.scalar(select(Lead).options(joinedload(Lead.case)).where(Lead.number == number))
        if lead is None or not _tail_fits(lead.id_number, tail):
            return None
        if lead.case is not None:
            return _case_status(lead.case)
        due = as_utc(lead.first_contact_due).astimezone(CST).date() if lead.is_open else None
        return {"number": lead.number, "of": "lead", "state": lead.state, "next_steps": [], "due_on": due}
    case = session.scalar(select(Case).options(joinedload(Case.household)).where(Case.number == number))
    if case is None or not _tail_fits(case.household.id_number, tail):
        return None
    return _case_status(case)
