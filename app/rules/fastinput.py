"""The fast path of input checking: the usual, well-formed input parsed in one straight pass.

Input parsing was nearly half of an ``evaluate()`` (a regex and a function call per field, a regex and a
Decimal per money string). This pass accepts only the plain case — every field of the right type and
value, money as unsigned ASCII decimals — and answers ``None`` at the first doubt, leaving the general
checker (:func:`app.rules.inputs.check_input`) to find and word the error. It never raises and never
words a message, so no error can differ; what it builds must equal what the general checker builds
(``tests/rules/test_fast_input.py`` holds it to that on random valid and invalid inputs).

Text that recurs from line to line (dates, county codes, categories) is checked once and remembered in
small bounded tables, so a repeated value costs one dict lookup.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app.rules.request import (
    _CATEGORY, _COUNTY, _DATE, _HOUSEHOLD, _MONEY_JOINED, _REQUIRED, _TOP, AREAS, CST, FIRST_YEAR, LAST_YEAR,
    RESIDENCIES, SEVERITIES, Request)

MEMO_MAX = 50_000              # entries per table: bounded, whatever the input holds
_STR_ONLY = {str}
_DAYS: dict[str, date] = {}    # "YYYY-MM-DD" → its date, for valid texts only
_COUNTIES: set[str] = set()    # valid 6-digit codes seen
_CATEGORIES: dict[str, str] = {}  # "kind:code" → its kind


def _day(text) -> date | None:
    """The date of ``text`` when it is a valid ``YYYY-MM-DD`` within the calendar's years."""
    if type(text) is not str:
        return None
    found = _DAYS.get(text)
    if found is None and _DATE(text):
        try:
            found = date.fromisoformat(text)
        except ValueError:
            return None
        if not FIRST_YEAR <= found.year <= LAST_YEAR:
            return None
        if len(_DAYS) < MEMO_MAX:
            _DAYS[text] = found
    return found


def plain_county(text: str) -> bool:
    """Whether ``text`` is a 6-digit county code (remembered: a code seen once costs a set lookup)."""
    if text in _COUNTIES:
        return True
    if not _COUNTY(text):
        return False
    if len(_COUNTIES) < MEMO_MAX:
        _COUNTIES.add(text)
    return True


def _category_kind(text) -> str | None:
    if type(text) is not str:
        return None
    kind = _CATEGORIES.get(text)
    if kind is None:
        match = _CATEGORY(text)
        if match is None:
            return None
        kind = match.group(1)
        if len(_CATEGORIES) < MEMO_MAX:
            _CATEGORIES[text] = kind
    return kind


def _amount(value) -> Decimal | None:
    """An unsigned plain decimal (at most 15 digits, 6 decimals) as Decimal; None for anything else."""
    if type(value) is str and value.isascii():
        if value.isdigit():
            if len(value) <= 15:
                return Decimal(value)
        else:
            head, _, tail = value.partition(".")
            if head.isdigit() and tail.isdigit() and len(head) <= 15 and len(tail) <= 6:
                return Decimal(value)
    return None


def _amounts(value) -> list[Decimal] | None:
    """A non-empty list of such amounts, checked by one match of the entries joined by commas."""
    if type(value) is list and {*map(type, value)} == _STR_ONLY:
        joined = ",".join(value)
        if _MONEY_JOINED(joined) and joined.count(",") == len(value) - 1:
            return list(map(Decimal, value))
    return None


def _moment(value) -> datetime | None:
    if type(value) is str and len(value) >= 16 and value[10] in "T ":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is not None and FIRST_YEAR <= parsed.year <= LAST_YEAR:
            return parsed
    return None


def plain_household(data, required: frozenset) -> dict | None:
    """The household of ``data`` when ``data`` is an object of known fields holding ``required`` and a
    household of known fields that gives its size; else None. The first step of every straight pass
    (this one, and the impact's :func:`app.rules.decisions.read_row`)."""
    if type(data) is not dict:
        return None
    household = data.get("household")
    if (type(household) is dict and _TOP.issuperset(data) and required.issubset(data)
            and _HOUSEHOLD.issuperset(household) and "size" in household):
        return household
    return None


def plain_basics(county, kind, residency, area, size) -> bool:
    """Whether county, kind, residency and area are texts (the last three of the vocabulary) and the
    household's size a whole number of at least 1."""
    return (type(county) is str and type(kind) is str and type(residency) is str and type(area) is str
            and kind in ("expenditure", "emergency") and residency in RESIDENCIES and area in AREAS
            and type(size) is int and size >= 1)


def quick_parse(data) -> Request | None:  # noqa: C901 - one straight pass is the point
    """The :class:`Request` of a plain, valid input, or None: then the general checker decides."""
    household = plain_household(data, _REQUIRED)
    if household is None:
        return None
    county, kind, residency, area = data["county"], data["kind"], data["residency"], data["area"]
    size = household["size"]
    if not plain_basics(county, kind, residency, area, size):
        return None
    if not plain_county(county):
        return None
    category_kind = _category_kind(data["category"])
    applied = _day(data["application_date"])
    if category_kind is None or applied is None:
        return None
    severity = data["severity"] if "severity" in data else None
    if "severity" in data and not (type(severity) is str and severity in SEVERITIES):
        return None
    if kind == "expenditure":
        if not ("monthly_income" in household and "monthly_necessary_expenses" in household
                and "financial_assets" in household and "houses" in household and "vehicles" in household
                and "cost" in data and severity in (None, "major")):
            return None
    elif severity is None:
        return None
    req = Request()
    req.county, req.kind, req.category, req.category_kind = county, kind, data["category"], category_kind
    req.application_date, req.application_text = applied, data["application_date"]
    req.residency, req.area, req.size, req.severity = residency, area, size, severity

    get = household.get
    req.incomes = _amounts(household["monthly_income"]) if "monthly_income" in household else ()
    req.expenses = (_amounts(household["monthly_necessary_expenses"])
                    if "monthly_necessary_expenses" in household else ())
    if req.incomes is None or req.expenses is None:
        return None
    req.incomes, req.expenses = req.incomes or None, req.expenses or None  # () stood for "absent"
    if "financial_assets" in household:
        if (assets := _amount(household["financial_assets"])) is None:
            return None
        req.financial_assets = assets
    else:
        req.financial_assets = None
    houses, vehicles = get("houses", 0), get("vehicles", 0)
    if not (type(houses) is int and type(vehicles) is int and houses >= 0 and vehicles >= 0):
        return None
    req.houses = houses if "houses" in household else None
    req.vehicles = vehicles if "vehicles" in household else None
    req.dibao, req.tekun = get("dibao", False), get("tekun", False)
    req.dibao_edge, req.rigid_expense = get("dibao_edge", False), get("rigid_expense", False)
    if not (type(req.dibao) is bool and type(req.tekun) is bool and type(req.dibao_edge) is bool
            and type(req.rigid_expense) is bool):
        return None
    req.recognised_on = None
    if "recognised_on" in household:
        req.recognised_on = _day(household["recognised_on"])
        if req.recognised_on is None or req.recognised_on > applied:
            return None

    req.cost = cost = _amount(data["cost"]) if "cost" in data else None
    if cost is None and ("cost" in data or severity == "heavy"):
        return None
    beneficiaries = req.beneficiaries = data.get("beneficiaries", 1)
    if not (type(beneficiaries) is int and 1 <= beneficiaries <= size):
        return None
    req.requested = _amount(data["requested_amount"]) if "requested_amount" in data else None
    if req.requested is None and "requested_amount" in data:
        return None
    req.accepted_on = _day(data["accepted_on"]) if "accepted_on" in data else applied
    if req.accepted_on is None:
        return None
    if "reported_at" in data:
        if (reported := _moment(data["reported_at"])) is None:
            return None
        req.reported_at = reported
        local = reported.astimezone(CST).date()
    else:
        req.reported_at = datetime(applied.year, applied.month, applied.day, tzinfo=CST)
        local = applied
    req.pre_assisted_on = _day(data["pre_assisted_on"]) if "pre_assisted_on" in data else local
    if req.pre_assisted_on is None:
        return None
    return req
