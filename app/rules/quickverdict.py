"""The verdict of a plain input written straight to text, in whole fen: the single and batch doors' fast path.

:func:`app.rules.engine.evaluate` builds a dict of dicts that :func:`~app.rules.jsonout.dumps` then walks;
for a million households most of that work is the same from line to line. Here everything that depends
only on the county, the parameters in force, the kind, category, area and severity — the limits, their
texts and sources, the fixed checks, the amount rule — is worked out once into a :class:`Plan`, with every
limit and amount in whole fen, and a line costs its own integer arithmetic and one string join. The line
is read by :func:`app.rules.plainjson.read_plain`, amounts in fen; integers are exact, so each sum,
comparison and half-up rounding is the one the engine makes in ``Decimal``.

It answers ``None`` at any doubt — a line the reader declines, a verdict that would be an error, a plan
that cannot be made or whose values are not whole fen — and the caller takes the general path. Its text
must equal ``dumps(evaluate(json.loads(text), rules))`` byte for byte; ``tests/rules/test_quick_verdict.py``
holds it to that on the benchmark's mix, on random inputs and on every rule variant the tests carry.

Example::

    >>> quick_verdict(line, rules) == dumps(evaluate(json.loads(line), rules))
    True
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, localcontext

from app.rules.engine import _CONTEXT, EXPENDITURE_CATEGORY_KINDS, _limits, _need
from app.rules.faults import InputError
from app.rules.jsonout import dumps, money, number
from app.rules.plainjson import MONTHS_MAX, read_plain
from app.rules.recognition import WAIVED, within
from app.rules.request import CST

PLANS_MAX = 20_000  # plans (and the engine's derived limits) kept per county: bounded, whatever the input
DUES_MAX = 50_000   # deadline texts kept per rule set, whatever the input holds
_BOOL = {True: "true", False: "false"}
#: the decimals of a whole number of fen as ``money`` writes them: ``""``, ``".05"``, ``".5"``
CENTS = ("",) + tuple(f".{cents:02d}".rstrip("0") for cents in range(1, 100))


class Plan:
    """What one (county, parameters in force, kind, category, area, severity) decides for every line."""

    __slots__ = ("prefix", "residency", "expenditure", "recognised_months", "mode", "base_text", "light_max",
                 "rows", "cap_at_cost", "limit", "days", "hours", "quick_days", "quick", "calendar", "kind",
                 "dues")


class _NotFen(ValueError):
    """A limit or amount of the rules that is not a whole number of fen: the general path decides."""


def fen(value: Decimal) -> int:
    """``value`` yuan in fen, when that is whole: ``fen(Decimal("412.5"))`` → ``41250``."""
    cents = value * 100
    if cents != cents.to_integral_value():
        raise _NotFen(value)
    return int(cents)


def yuan(amount: int) -> str:
    """``money`` of ``amount`` fen: ``yuan(41250)`` → ``"412.5"``, ``yuan(-5051)`` → ``"-50.51"``."""
    whole, cents = divmod(-amount if amount < 0 else amount, 100)
    return f"{'-' if amount < 0 else ''}{whole}{CENTS[cents]}" if amount else "0"


def ratio(amount: int, divisor: int) -> str:
    """``amount`` fen ÷ ``divisor``, rounded half-up to the fen, as the engine's ``_ratio`` writes it."""
    quotient, rest = divmod(-amount if amount < 0 else amount, divisor)
    quotient += 2 * rest >= divisor
    return yuan(-quotient if amount < 0 else quotient)


def _check_tail(limit, source) -> str:
    return f', "limit": {dumps(limit)}, "source": {dumps(source)}}}'


def _waived_check(name, limit, source) -> str:
    return (f'{{"name": "{name}", "passed": true, "value": null, "limit": {dumps(limit)}, '
            f'"source": {dumps(source)}, "waived": {dumps(WAIVED)}}}')


def _make_plan(req, rules, county, p, category) -> Plan:
    """The plan of ``req``'s key; raises the engine's InputError when a value it needs is not in force
    (its verdict is that error, which the general path words), and _NotFen for a value beyond fen."""
    plan = Plan()
    plan.kind, plan.calendar, plan.dues = req.kind, rules.calendar, rules.derived.setdefault("dues", {})
    plan.light_max = plan.rows = plan.hours = plan.quick_days = None
    plan.cap_at_cost = False
    plan.prefix = (f'{{"county": {dumps(req.county)}, "kind": {dumps(req.kind)}, '
                   f'"category": {dumps(req.category)}, "as_of": "')
    quick = p.get("aid.quick_cap_dibao_months") if req.kind == "emergency" and req.severity == "light" else None
    plan.quick = quick is not None
    plan.recognised_months = p.get("eligibility.expenditure.recognised_months")
    residency = p.get("eligibility.emergency_residency") if req.kind == "emergency" else None
    if residency is None:
        residency = _need(p, "eligibility.residency", req)
    plan.residency = {
        value: (value in residency.value,
                f'{{"name": "residency", "passed": {_BOOL[value in residency.value]}, "value": {dumps(value)}'
                + _check_tail(list(residency.value), residency.source))
        for value in ("local_hukou", "residence_permit", "none")}
    plan.expenditure = None
    if req.kind == "expenditure":
        n, m, dibao, income_limit, months, houses, vehicles, assets_limit, texts = _limits(req, p, county)
        if max(n, m) > MONTHS_MAX:
            raise _NotFen(max(n, m))
        plan.expenditure = (
            n, m, max(n, m), fen(dibao.value) * n, fen(income_limit.value), fen(assets_limit), houses.value,
            vehicles.value, _check_tail(texts[0], dibao.source), _check_tail(texts[1], income_limit.source),
            _check_tail(texts[2], months.source), _check_tail(houses.value, houses.source),
            _check_tail(vehicles.value, vehicles.source),
            (_waived_check("income", texts[1], income_limit.source),
             _waived_check("financial_assets", texts[2], months.source),
             _waived_check("houses", houses.value, houses.source),
             _waived_check("vehicles", vehicles.value, vehicles.source)))
    base = _need(p, "standards.dibao_monthly.urban", req).value
    plan.base_text = money(base)
    if req.severity == "major":
        plan.mode, plan.limit = "major", None
    else:
        plan.limit = fen(_need(p, "approval.township_limit", req).value)
        if req.kind == "emergency" and req.severity == "light":
            plan.mode = "light"
            plan.light_max = fen(quick.value * base if quick is not None
                                 else _need(p, "aid.emergency_light_cap", req).value)
        else:
            plan.mode = "tiers"
            plan.rows = tuple((fen(row.start), fen(row.multiplier * base), row.number, dumps(number(row.multiplier)))
                              for row in reversed(_need(p, f"aid.{category.tiers}", req).value))
            plan.cap_at_cost = _need(p, "aid.cap_at_cost", req).value
    if req.kind == "expenditure":
        plan.days = _need(p, "approval.expenditure_working_days", req).value
    else:
        plan.hours = timedelta(hours=_need(p, "approval.emergency_pre_assist_hours", req).value)
        plan.days = _need(p, "approval.emergency_registration_working_days", req).value
        quick_days = p.get("approval.quick_days") if plan.quick else None
        plan.quick_days = None if quick_days is None else timedelta(days=quick_days.value)
    return plan


def _plan(req, rules) -> Plan | None:
    county = rules.county(req.county)
    if county is None:
        return None
    p = county.params(req.application_date)
    key = (id(p), "fen", req.kind, req.category, req.area, req.severity)
    plans = county.derived
    try:
        return plans[key]
    except KeyError:
        pass
    category = county.category_map.get(req.category)
    if category is None:
        return None  # not remembered: a file of made-up categories must not fill the table
    plan = None
    if req.kind != "expenditure" or category.kind in EXPENDITURE_CATEGORY_KINDS:
        try:
            with localcontext(_CONTEXT):
                plan = _make_plan(req, rules, county, p, category)
        except (InputError, _NotFen):
            plan = None
    if len(plans) < PLANS_MAX:
        plans[key] = plan
    return plan


def _expenditure_checks(req, plan, waived: bool, checks: list) -> bool | None:
    """Append the five checks' texts; whether all passed, or None where the engine raises."""
    n, m, wanted, dibao_n, income_limit, assets_limit, houses, vehicles, *tails, waived_texts = plan.expenditure
    incomes, expenses, size = req.incomes, req.expenses, req.size
    if len(incomes) < wanted or len(expenses) < n:
        return None
    net = req.fen_sum(incomes, n) - req.fen_sum(expenses, n)
    first = net < dibao_n * size
    checks.append(f'{{"name": "net_income", "passed": {_BOOL[first]}, "value": "{ratio(net, n * size)}"{tails[0]}')
    if waived:
        checks.extend(waived_texts)
        return first
    passed = (total := req.fen_sum(incomes, m)) < income_limit * size
    assets = req.financial_assets
    assets_ok = assets <= assets_limit * size
    houses_ok, vehicles_ok = req.houses <= houses, req.vehicles <= vehicles
    checks.append(f'{{"name": "income", "passed": {_BOOL[passed]}, "value": "{ratio(total, size)}"{tails[1]}')
    checks.append(f'{{"name": "financial_assets", "passed": {_BOOL[assets_ok]}, '
                  f'"value": "{ratio(assets, size)}"{tails[2]}')
    checks.append(f'{{"name": "houses", "passed": {_BOOL[houses_ok]}, "value": {req.houses}{tails[3]}')
    checks.append(f'{{"name": "vehicles", "passed": {_BOOL[vehicles_ok]}, "value": {req.vehicles}{tails[4]}')
    return first and passed and assets_ok and houses_ok and vehicles_ok


def _amount_text(req, plan) -> tuple[str, str]:
    """The amount block's text and the approval level's, for an eligible case."""
    persons = req.beneficiaries
    if plan.mode == "major":
        return (f'{{"tier": null, "multiplier": null, "base": "{plan.base_text}", "beneficiaries": {persons}, '
                f'"suggested": null, "maximum": null, "case_by_case": true}}'), '"county_leading_group"'
    if plan.mode == "light":
        maximum = plan.light_max
        requested = req.requested
        suggested = maximum if requested is None or requested > maximum else requested
        tier = multiplier = "null"
    else:
        cost = req.cost
        for start, per_person, tier, multiplier in plan.rows:
            if start * persons <= cost:
                break
        else:
            start, per_person, tier, multiplier = plan.rows[-1]
        maximum = per_person * persons
        if plan.cap_at_cost and cost < maximum:
            maximum = cost
        suggested = maximum
    level = '"township"' if suggested <= plan.limit else '"county"'
    return (f'{{"tier": {tier}, "multiplier": {multiplier}, "base": "{plan.base_text}", "beneficiaries": {persons}, '
            f'"suggested": "{yuan(suggested)}", "maximum": "{yuan(maximum)}", "case_by_case": false}}'), level


def deadlines_text(plan, accepted_on, reported_text, reported_at, application_date, pre_assisted_on) -> tuple:
    """The deadlines' text and the calendar's warnings, remembered per rule set by the plan and the dates
    they come from (an expenditure's acceptance; an emergency's report, application and pre-assistance)."""
    key = (plan, accepted_on) if plan.kind == "expenditure" else (plan, reported_text, application_date,
                                                                  pre_assisted_on)
    found = plan.dues.get(key)
    if found is None:
        found = _deadlines(plan, accepted_on, reported_at, pre_assisted_on)
        if len(plan.dues) < DUES_MAX:
            plan.dues[key] = found
    return found


def _deadlines(plan, accepted_on, reported_at, pre_assisted_on) -> tuple[str, tuple]:
    if plan.kind == "expenditure":
        due, warnings = plan.calendar.add_working_days(accepted_on, plan.days)
        return f'{{"decision_due": "{due.isoformat()}"}}', warnings
    pre_due = (reported_at + plan.hours).astimezone(CST).isoformat(timespec="seconds")
    if plan.quick_days is not None:
        quick_due = reported_at.astimezone(CST).date() + plan.quick_days
        return f'{{"pre_assist_due": "{pre_due}", "quick_due": "{quick_due.isoformat()}"}}', ()
    due, warnings = plan.calendar.add_working_days(pre_assisted_on, plan.days)
    return f'{{"pre_assist_due": "{pre_due}", "registration_due": "{due.isoformat()}"}}', warnings


def quick_verdict(text, rules) -> str | None:
    """``dumps(evaluate(json.loads(text), rules))`` for a plain input (JSON ``str`` or UTF-8 ``bytes``) whose
    verdict is not an error, else None."""
    rules = getattr(rules, "current", rules)  # a RuleStore answers with its current rules
    req = read_plain(text)
    if req is None:
        return None
    plan = _plan(req, rules)
    if plan is None:
        return None
    waived = posting = False
    months = plan.recognised_months
    if months is not None and (req.dibao or req.dibao_edge or req.rigid_expense):
        if req.recognised_on is None:
            return None
        if plan.kind == "expenditure":
            waived = within(req.recognised_on, req.application_date, months.value)
            posting = req.dibao_edge or req.rigid_expense
    eligible, check = plan.residency[req.residency]
    checks = [check]
    if plan.expenditure is not None:
        passed = _expenditure_checks(req, plan, waived, checks)
        if passed is None:
            return None
        eligible = eligible and passed
    amount, level = _amount_text(req, plan) if eligible else ("null", "null")
    deadlines, warnings = deadlines_text(plan, req.accepted_on, req.reported_text, req.reported_at,
                                         req.application_date, req.pre_assisted_on)
    notes = []
    if plan.quick:
        notes.append('"quick_aid"')
    if plan.kind == "expenditure" and (req.dibao or req.tekun or waived):
        notes.append('"verify_necessary_expenses"')
    if posting:
        notes.append('"public_posting_before_aid"')
    shown = ", ".join(f'"{warning}"' for warning in warnings)
    return (f'{plan.prefix}{req.application_text}", "eligible": {_BOOL[eligible]}, "checks": [{", ".join(checks)}], '
            f'"amount": {amount}, "approval_level": {level}, "deadlines": {deadlines}, '
            f'"notes": [{", ".join(notes)}], "warnings": [{shown}]}}')
