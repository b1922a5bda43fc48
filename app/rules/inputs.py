"""Checking an evaluation's input, by hand, with the field names of ``spec/evaluation.md``.

This runs on every evaluation, so it is plain code rather than a schema library (a marshmallow load
costs more than the whole evaluation may). The first problem found is the answer, in a fixed order:
the shape (unknown and missing fields), then each field's type and value in the order of the spec.
Checks that need the rules (the county exists, the category is the county's, enough months) are in
:mod:`app.rules.engine`, which has them at hand.

Money is a JSON string holding a plain decimal (``"650"``, ``"412.5"``): a JSON number is rejected, so
no float ever carries money. Counts are JSON integers; ``true`` is not a count.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from app.rules.faults import InputError
from app.rules.fastinput import quick_parse
from app.rules.request import (  # noqa: F401 - the vocabulary of the input, named here as ever
    _HOUSEHOLD, _REQUIRED, _TOP, AREAS, CST, EXPENDITURE_REQUIRED, FIRST_YEAR, HOUSEHOLD_FIELDS, KINDS, LAST_YEAR,
    REQUIRED_FIELDS, RESIDENCIES, SEVERITIES, TOP_FIELDS, Request)
from app.rules.request import _CATEGORY, _COUNTY, _DATE, _MONEY, _MONEY_JOINED

MONEY_FORMAT = 'a string holding a plain decimal number of yuan, such as "650" or "412.5"'


def money(value, field: str) -> Decimal:
    if type(value) is not str or not _MONEY(value):
        raise InputError(field, f"must be {MONEY_FORMAT}")
    amount = Decimal(value)
    if amount < 0:
        raise InputError(field, f"must not be negative (found {value})")
    return amount


def money_list(value, field: str) -> list[Decimal]:
    """The amounts of a list of money strings. The usual list (every entry a non-negative amount) is
    checked by a single match of the entries joined by commas — a comma is in no amount, so as many
    commas as separators means each entry matched on its own — and only a list that fails it is
    walked entry by entry, for the message naming the first bad one."""
    if type(value) is not list:
        raise InputError(field, f"must be a list of amounts, each {MONEY_FORMAT}, most recent month first")
    if all(type(item) is str for item in value):
        joined = ",".join(value)
        if _MONEY_JOINED(joined) and joined.count(",") == len(value) - 1:
            return list(map(Decimal, value))
        if not value:
            return []
    return walk_money_list(value, field)


def walk_money_list(value: list, field: str) -> list[Decimal]:
    """:func:`money_list` entry by entry: the error names the first bad entry."""
    out = []
    for index, item in enumerate(value):
        if type(item) is not str or not _MONEY(item):
            raise InputError(field, f"entry {index + 1} must be {MONEY_FORMAT}")
        amount = Decimal(item)
        if amount < 0:
            raise InputError(field, f"entry {index + 1} must not be negative (found {item})")
        out.append(amount)
    return out


def count(value, field: str, minimum: int) -> int:
    if type(value) is not int:
        raise InputError(field, "must be a whole number (a JSON integer)")
    if value < minimum:
        raise InputError(field, f"must be at least {minimum}")
    return value


def flag(value, field: str) -> bool:
    if type(value) is not bool:
        raise InputError(field, "must be true or false")
    return value


def day(value, field: str) -> date:
    if type(value) is str and _DATE(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and FIRST_YEAR <= parsed.year <= LAST_YEAR:
            return parsed
    raise InputError(field, f"must be a date YYYY-MM-DD between {FIRST_YEAR} and {LAST_YEAR}")


def moment(value, field: str) -> datetime:
    if type(value) is str and len(value) >= 16 and value[10] in "T ":
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.tzinfo is not None and FIRST_YEAR <= parsed.year <= LAST_YEAR:
            return parsed
    raise InputError(field, "must be an ISO 8601 time with an offset, such as 2019-03-15T21:30:00+08:00")


def choice(value, field: str, choices: tuple[str, ...]) -> str:
    if type(value) is not str or value not in choices:
        raise InputError(field, f"must be one of {', '.join(choices)}")
    return value


def _check_shape(data, household) -> None:
    """Raise the input error of the first unknown or missing field (the order of the spec)."""
    for key in data:
        if key not in _TOP:
            raise InputError(str(key), "unknown field")
    if isinstance(household, Mapping):
        for key in household:
            if key not in _HOUSEHOLD:
                raise InputError(f"household.{key}", "unknown field")
    for key in REQUIRED_FIELDS:
        if key not in data:
            raise InputError(key, "missing required field")
    if not isinstance(household, Mapping):
        raise InputError("household", "must be an object")
    if "size" not in household:
        raise InputError("household.size", "missing required field")


def parse_input(data) -> Request:
    """Check the input's shape and every field's type; raise :class:`InputError` at the first problem.

    The usual input (every field present and well formed) takes :func:`~app.rules.fastinput.quick_parse`;
    any other falls to :func:`check_input`, which finds and names the first problem."""
    req = quick_parse(data)
    return req if req is not None else check_input(data)


def check_input(data) -> Request:
    """:func:`parse_input` field by field, in the order of the spec: the general path."""
    if not isinstance(data, Mapping):
        raise InputError(None, "the input must be a JSON object")
    household = data.get("household")
    # one set operation each for the usual input; the loops below find the first fault's name
    if not (_TOP.issuperset(data) and _REQUIRED.issubset(data) and type(household) is dict
            and _HOUSEHOLD.issuperset(household) and "size" in household):
        _check_shape(data, household)

    req = Request()
    county = data["county"]
    if type(county) is not str or not _COUNTY(county):
        raise InputError("county", "must be a 6-digit county code as a string")
    req.county = county
    req.kind = kind = choice(data["kind"], "kind", KINDS)
    category = data["category"]
    match = _CATEGORY(category) if type(category) is str else None
    if match is None:
        raise InputError("category", "must be <category kind>:<code>, such as illness:uremia")
    req.category = category
    req.category_kind = match.group(1)
    req.application_date = day(data["application_date"], "application_date")
    req.application_text = data["application_date"]
    req.residency = choice(data["residency"], "residency", RESIDENCIES)
    req.area = choice(data["area"], "area", AREAS)
    req.size = count(household["size"], "household.size", 1)

    if kind == "expenditure":
        for key in EXPENDITURE_REQUIRED:
            if key not in household:
                raise InputError(f"household.{key}", "missing required field for an expenditure case")
        if "cost" not in data:
            raise InputError("cost", "missing required field for an expenditure case")
    elif "severity" not in data:
        raise InputError("severity", "missing required field for an emergency case")

    get = household.get
    req.incomes = money_list(get("monthly_income"), "household.monthly_income") if "monthly_income" in household else None
    req.expenses = (money_list(get("monthly_necessary_expenses"), "household.monthly_necessary_expenses")
                    if "monthly_necessary_expenses" in household else None)
    req.financial_assets = (money(get("financial_assets"), "household.financial_assets")
                            if "financial_assets" in household else None)
    req.houses = count(get("houses"), "household.houses", 0) if "houses" in household else None
    req.vehicles = count(get("vehicles"), "household.vehicles", 0) if "vehicles" in household else None
    req.dibao = flag(get("dibao"), "household.dibao") if "dibao" in household else False
    req.tekun = flag(get("tekun"), "household.tekun") if "tekun" in household else False
    req.dibao_edge = flag(get("dibao_edge"), "household.dibao_edge") if "dibao_edge" in household else False
    req.rigid_expense = flag(get("rigid_expense"), "household.rigid_expense") if "rigid_expense" in household else False
    recognised_on = day(get("recognised_on"), "household.recognised_on") if "recognised_on" in household else None
    if recognised_on is not None and recognised_on > req.application_date:
        raise InputError("household.recognised_on",
                         f"must not be after application_date (found {household['recognised_on']})")
    req.recognised_on = recognised_on

    req.cost = money(data["cost"], "cost") if "cost" in data else None
    req.beneficiaries = count(data["beneficiaries"], "beneficiaries", 1) if "beneficiaries" in data else 1
    if req.beneficiaries > req.size:
        raise InputError("beneficiaries", f"must not be more than household.size ({req.size}), "
                                          f"found {req.beneficiaries}")
    severity = choice(data["severity"], "severity", SEVERITIES) if "severity" in data else None
    if kind == "expenditure" and severity not in (None, "major"):
        raise InputError("severity", "an expenditure case may only say major (or leave severity out)")
    if severity == "heavy" and req.cost is None:
        raise InputError("cost", "missing required field for a heavy emergency")
    req.severity = severity
    req.requested = money(data["requested_amount"], "requested_amount") if "requested_amount" in data else None
    req.accepted_on = day(data["accepted_on"], "accepted_on") if "accepted_on" in data else req.application_date
    if "reported_at" in data:
        req.reported_at = moment(data["reported_at"], "reported_at")
    else:
        req.reported_at = datetime(req.application_date.year, req.application_date.month,
                                   req.application_date.day, tzinfo=CST)
    if "pre_assisted_on" in data:
        req.pre_assisted_on = day(data["pre_assisted_on"], "pre_assisted_on")
    else:
        req.pre_assisted_on = req.reported_at.astimezone(CST).date()
    return req
