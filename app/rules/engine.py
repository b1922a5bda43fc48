"""The evaluation: eligible or not, for how much, who approves, by when (``spec/evaluation.md``).

Every number comes from the rules in force on the application date; none is written here. Arithmetic
is exact ``Decimal`` in a private context (50 digits, half-up), and a comparison never rests on a
rounded quotient: ``a ÷ n < b`` is decided as ``a < b × n``. Only a reported ``value`` that does not
come out in whole cents is rounded, half-up to cents. Every check names the ``file:line`` of the value applied.
"""
from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal, localcontext

from app.rules.faults import InputError
from app.rules.inputs import CST, parse_input
from app.rules.jsonout import money, number
from app.rules.recognition import WAIVED, WAIVED_CHECKS, recognised, within
from app.rules.tiers import find_row

_CONTEXT = Context(prec=50, rounding=ROUND_HALF_UP)
_TRUNCATE = Context(prec=60, rounding=ROUND_DOWN)
_CENT = Decimal("0.01")
EXPENDITURE_CATEGORY_KINDS = ("illness", "education", "other")


def _need(params: dict, path: str, req):
    """The Val of ``path`` in force, or the input error that names it."""
    val = params.get(path)
    if val is None:
        raise InputError("application_date",
                         f"no value of {path} is in force on {req.application_text} in the rules of county {req.county}")
    return val


def _ratio(numerator: Decimal, denominator: int) -> str:
    """``numerator ÷ denominator`` as reported: exact when it comes out in whole cents (``"412.5"``),
    else rounded half-up to cents (1000 ÷ 3 → ``"333.33"``). The quotient is truncated at 60 digits
    before rounding, so the half-up decision is the one the exact quotient would give."""
    return money(_TRUNCATE.divide(numerator, denominator).quantize(_CENT, rounding=ROUND_HALF_UP))


def _check(name, passed, value, limit, source) -> dict:
    return {"name": name, "passed": passed, "value": value, "limit": limit, "source": source}


def _limits(req, p, county) -> tuple:
    """The expenditure limits of ``req``'s area in ``p`` (and the texts the verdict shows), derived once
    per interval of parameters and area. Looked up in the order they always were, so a missing one is
    the same input error; nothing is remembered until all are found. Called inside the engine's context
    (the product and the texts are those the engine's precision gives)."""
    key = (id(p), req.area)
    found = county.derived.get(key)
    if found is None:
        n = _need(p, "eligibility.expenditure.net_income_months", req).value
        m = _need(p, "eligibility.expenditure.income_months", req).value
        dibao = _need(p, f"standards.dibao_monthly.{req.area}", req)
        income_limit = _need(p, f"standards.disposable_income_prior_year.{req.area}", req)
        months = _need(p, "eligibility.expenditure.assets.financial_per_capita_max_dibao_months", req)
        houses = _need(p, "eligibility.expenditure.assets.max_houses", req)
        vehicles = _need(p, "eligibility.expenditure.assets.max_vehicles", req)
        assets_limit = months.value * dibao.value
        texts = (money(dibao.value), money(income_limit.value), money(assets_limit))
        found = county.derived[key] = (n, m, dibao, income_limit, months, houses, vehicles, assets_limit, texts)
    return found


def _expenditure_checks(req, p, county, explain: bool = True, waived: bool = False) -> list:
    """The five checks of an expenditure case; without ``explain``, only whether each passed.
    ``waived`` (a recognised household within its period): income and assets pass unexamined, still
    listed with their limits, so the verdict shows what was not checked and why."""
    n, m, dibao, income_limit, months, houses, vehicles, assets_limit, texts = _limits(req, p, county)
    incomes, expenses, size = req.incomes, req.expenses, req.size
    wanted = max(n, m)
    if len(incomes) < wanted:
        raise InputError("household.monthly_income",
                         f"needs at least {wanted} months (net_income_months {n}, income_months {m}), found {len(incomes)}")
    if len(expenses) < n:
        raise InputError("household.monthly_necessary_expenses",
                         f"needs at least {n} months (net_income_months), found {len(expenses)}")
    net = sum(incomes[:n]) - sum(expenses[:n])
    total = sum(incomes[:m])
    if waived:
        passed = (net < dibao.value * n * size, True, True, True, True)
    else:
        passed = (net < dibao.value * n * size, total < income_limit.value * size,
                  req.financial_assets <= assets_limit * size, req.houses <= houses.value,
                  req.vehicles <= vehicles.value)
    if not explain:
        return list(passed)
    checks = [
        _check("net_income", passed[0], _ratio(net, n * size), texts[0], dibao.source),
        _check("income", passed[1], _ratio(total, size), texts[1], income_limit.source),
        _check("financial_assets", passed[2], _ratio(req.financial_assets, size), texts[2], months.source),
        _check("houses", passed[3], req.houses, houses.value, houses.source),
        _check("vehicles", passed[4], req.vehicles, vehicles.value, vehicles.source),
    ]
    if waived:
        for check in checks:
            if check["name"] in WAIVED_CHECKS:
                check["value"] = None
                check["waived"] = WAIVED
    return checks


def _amount(req, p, category, eligible: bool, explain: bool = True, quick=None):
    """The amount block and the suggested amount (parameters are required even when not eligible);
    without ``explain``, no block. ``quick`` is the Val of ``aid.quick_cap_dibao_months`` when the case
    is 小额快救: its maximum is that many months of the urban standard instead of the light cap."""
    base = _need(p, "standards.dibao_monthly.urban", req).value
    persons = req.beneficiaries
    if req.severity == "major":
        block = {"tier": None, "multiplier": None, "base": money(base), "beneficiaries": persons,
                 "suggested": None, "maximum": None, "case_by_case": True}
        return (block if eligible else None), None
    if req.kind == "emergency" and req.severity == "light":
        maximum = quick.value * base if quick is not None else _need(p, "aid.emergency_light_cap", req).value
        requested = req.requested
        suggested = maximum if requested is None or requested > maximum else requested
        tier = multiplier = None
    else:
        rows = _need(p, f"aid.{category.tiers}", req).value
        cap_at_cost = _need(p, "aid.cap_at_cost", req).value
        row = find_row(rows, req.cost, persons)
        maximum = row.multiplier * base * persons
        if cap_at_cost and req.cost < maximum:
            maximum = req.cost
        suggested = maximum
        tier, multiplier = row.number, number(row.multiplier)
    if not eligible:
        return None, None
    if not explain:
        return None, suggested
    block = {"tier": tier, "multiplier": multiplier, "base": money(base), "beneficiaries": persons,
             "suggested": money(suggested), "maximum": money(maximum), "case_by_case": False}
    return block, suggested


def _deadlines(req, p, calendar, quick: bool = False):
    """The clocks of the case. A 小额快救 case is handled within ``approval.quick_days`` calendar days
    of the day it was reported (China time): ``quick_due`` stands in place of ``registration_due``."""
    if req.kind == "expenditure":
        days = _need(p, "approval.expenditure_working_days", req).value
        due, warnings = calendar.add_working_days(req.accepted_on, days)
        return {"decision_due": due.isoformat()}, warnings
    hours = _need(p, "approval.emergency_pre_assist_hours", req).value
    days = _need(p, "approval.emergency_registration_working_days", req).value
    pre_due = (req.reported_at + timedelta(hours=hours)).astimezone(CST)
    quick_days = p.get("approval.quick_days") if quick else None
    if quick_days is not None:
        quick_due = req.reported_at.astimezone(CST).date() + timedelta(days=quick_days.value)
        return {"pre_assist_due": pre_due.isoformat(timespec="seconds"), "quick_due": quick_due.isoformat()}, ()
    due, warnings = calendar.add_working_days(req.pre_assisted_on, days)
    return {"pre_assist_due": pre_due.isoformat(timespec="seconds"), "registration_due": due.isoformat()}, warnings


def evaluate(data, rules) -> dict:
    """Evaluate one application (the input mapping of the spec) against a :class:`RuleSet` (or a
    :class:`RuleStore`, whose current rules are used).

    Returns the output mapping of the spec, keys in its order; raises :class:`InputError` on bad input.
    """
    return evaluate_request(parse_input(data), rules)


class Decision(NamedTuple):
    """What a verdict decides, without its explanation: what the impact of a rule change compares."""

    eligible: bool
    approval_level: str | None
    suggested: Decimal | None
    quick: bool = False  # 小额快救 (the verdict's note quick_aid)


def evaluate_request(req, rules, explain: bool = True):
    """:func:`evaluate` of an input already parsed (:func:`~app.rules.inputs.parse_input`). Without
    ``explain`` it returns only the :class:`Decision` — no checks, amount block or deadlines written
    out — for the impact of a rule change, which evaluates every application of a year twice."""
    rules = getattr(rules, "current", rules)
    county = rules.county(req.county)
    if county is None:
        raise InputError("county", f"no rule file for county {req.county}")
    category = county.category_map.get(req.category)
    if category is None:
        raise InputError("category", f"county {req.county} has no category {req.category}")
    if req.kind == "expenditure" and category.kind not in EXPENDITURE_CATEGORY_KINDS:
        raise InputError("category", f"an expenditure case takes an illness, education or other category, "
                                     f"not {req.category}")
    p = county.params(req.application_date)
    # the 2026 keys: where one has no value in force, the 2018 rule applies (spec/policy-2026.md)
    quick = p.get("aid.quick_cap_dibao_months") if req.kind == "emergency" and req.severity == "light" else None
    months = p.get("eligibility.expenditure.recognised_months")
    waived = posting = False
    if months is not None and recognised(req):
        if req.recognised_on is None:
            raise InputError("household.recognised_on",
                             "missing required field for a dibao, dibao_edge or rigid_expense household while "
                             f"eligibility.expenditure.recognised_months is in force on {req.application_text}")
        if req.kind == "expenditure":
            waived = within(req.recognised_on, req.application_date, months.value)
            posting = req.dibao_edge or req.rigid_expense
    with localcontext(_CONTEXT):
        residency = p.get("eligibility.emergency_residency") if req.kind == "emergency" else None
        if residency is None:
            residency = _need(p, "eligibility.residency", req)
        resident = req.residency in residency.value
        checks = [_check("residency", resident, req.residency, list(residency.value), residency.source)
                  if explain else resident]
        if req.kind == "expenditure":
            checks.extend(_expenditure_checks(req, p, county, explain, waived))
        eligible = all(check["passed"] for check in checks) if explain else all(checks)
        amount, suggested = _amount(req, p, category, eligible, explain, quick)
        # the limit is looked up even when not eligible: a verdict never depends on eligibility for
        # whether the rules in force are complete enough to answer
        limit = None if req.severity == "major" else _need(p, "approval.township_limit", req).value
        if not eligible:
            level = None
        elif limit is None:
            level = "county_leading_group"
        else:
            level = "township" if suggested <= limit else "county"
        if not explain:
            return Decision(eligible, level, suggested, quick is not None)
        deadlines, warnings = _deadlines(req, p, rules.calendar, quick is not None)
    notes = []
    if quick is not None:
        notes.append("quick_aid")
    if req.kind == "expenditure" and (req.dibao or req.tekun or waived):
        notes.append("verify_necessary_expenses")
    if posting:
        notes.append("public_posting_before_aid")
    return {
        "county": req.county,
        "kind": req.kind,
        "category": req.category,
        "as_of": req.application_text,
        "eligible": eligible,
        "checks": checks,
        "amount": amount,
        "approval_level": level,
        "deadlines": deadlines,
        "notes": notes,
        "warnings": list(warnings),
    }
