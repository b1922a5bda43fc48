"""Decisions only, for the impact of a rule change: eligible or not, approval level, suggested amount.

The impact (:mod:`app.rules.impact`) evaluates a year of applications twice, all re-dated to one day,
so every application of a county, kind, category, area and severity reads the same parameters. This
path works those out once per such group (a :class:`Group`: residency set, the limits already
multiplied out, base, tier bands, approval limit, each tier's maximum per number of beneficiaries)
and then decides each application straight from its stored input, building no request and calling no
engine: a few sums and comparisons, and the suggested amount the very ``Decimal`` the engine gives.

The months of income and of necessary spending are read as their running sums in whole fen
(:func:`fen_sums`: checked by one match, converted in C, exact), so the sum of any first months is one
lookup, whatever months a rule change asks for; each single amount (assets, cost, requested) stays the
``Decimal`` the parser would build, since the suggested amount must be the engine's. Every ``Decimal``
value here has at most 23 significant digits, so the default context computes it exactly, as the
engine's 50 digits do; comparisons never round. A stored case carries its :class:`Row` already read
(:mod:`app.rules.stored_rows`), so the impact over a year of stored cases reads no JSON for it.

It covers the plain application only, and says ``None`` for anything else, which the caller then
evaluates the usual way (parse, ``evaluate_request(explain=False)``): any field out of
the ordinary, a parameter missing on the day or too few months of income (the engine's input errors).
What it accepts is a subset of what the fast input parser accepts (:func:`app.rules.fastinput.quick_parse`,
whose checks of money it reuses), and its answer is the engine's (``tests/rules/test_decisions.py``
holds it to both on random applications and rule changes). Pure: no Flask, no database.
"""
from __future__ import annotations

import re
from decimal import Decimal, localcontext
from itertools import accumulate
from typing import NamedTuple

from app.rules.engine import _CONTEXT, EXPENDITURE_CATEGORY_KINDS
from app.rules.fastinput import _amount, _day, plain_basics, plain_household
from app.rules.recognition import months_before
from app.rules.request import _CATEGORY, _COUNTY, FIRST_YEAR, LAST_YEAR, SEVERITIES

_NEEDED = frozenset({"county", "kind", "category", "residency", "area", "household"})  # application_date: re-dated
_MONEY_FIELDS = ("monthly_income", "monthly_necessary_expenses", "financial_assets")
_FLAGS = ("dibao", "tekun", "dibao_edge", "rigid_expense")
#: a list of amounts below ten thousand million yuan with at most two decimals, joined by commas
_PLAIN_JOINED = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?(?:,[0-9]{1,10}(?:\.[0-9]{1,2})?)*").fullmatch
_STR_ONLY = {str}
_NO_GROUP = object()  # a group this path does not decide (every row of it goes the usual way)


def plain_amounts(value) -> list[str] | None:
    """A non-empty list of amount texts :func:`fen_sums` sums exactly, checked by one match; else None."""
    if type(value) is list and {*map(type, value)} == _STR_ONLY:
        joined = ",".join(value)
        if _PLAIN_JOINED(joined) and joined.count(",") == len(value) - 1:
            return value
    return None


def fen_sums(texts) -> list[int]:
    """The running sums in fen of amount texts :func:`plain_amounts` took (the first month's, the first
    two months', ...), exactly. Why floats may be used: each text is ``k / 100`` yuan below 10^10, so its
    float is within 1.2e-6 yuan (1.2e-4 fen) of it, and ×100 adds at most another 1.2e-4 fen: ``round``
    gives ``k`` itself, and whole numbers add exactly.

    >>> fen_sums(["0.1", "0.2", "1200.05"])
    [10, 30, 120035]
    """
    return list(accumulate([round(amount * 100) for amount in map(float, texts)]))


class Row(NamedTuple):
    """What a decision reads of one application, checked as the input parser checks it."""

    county: str
    kind: str
    category: str
    area: str
    severity: str | None
    residency: str
    size: int
    persons: int
    incomes: list | None       # running sums in fen (see fen_sums): ints, or their digits as text
    expenses: list | None
    assets: Decimal | None
    houses: int
    vehicles: int
    recognised: bool           # dibao, dibao_edge or rigid_expense
    recognised_on: object      # a date, or None
    cost: Decimal | None
    requested: Decimal | None


def read_row(data, day) -> Row | None:  # noqa: C901 - one straight pass is the point
    """The :class:`Row` of a plain application re-dated to ``day``, or None (then: the usual way)."""
    household = plain_household(data, _NEEDED)
    if household is None:
        return None
    county, kind, category, residency, area = (data["county"], data["kind"], data["category"], data["residency"],
                                               data["area"])
    size = household["size"]
    if not (type(category) is str and plain_basics(county, kind, residency, area, size)):
        return None
    severity = data.get("severity")
    if "severity" in data and not (type(severity) is str and severity in SEVERITIES):
        return None
    if (severity is None) == (kind == "emergency") and not (severity == "major" and kind == "expenditure"):
        return None                               # an emergency without one, an expenditure with one but major
    money = [None, None, None]
    for index, name in enumerate(_MONEY_FIELDS):
        if name in household:
            money[index] = plain_amounts(household[name]) if index < 2 else _amount(household[name])
            if money[index] is None:
                return None
            if index < 2:
                money[index] = fen_sums(money[index])
    incomes, expenses, assets = money
    houses, vehicles = household.get("houses", 0), household.get("vehicles", 0)
    if not (type(houses) is int and type(vehicles) is int and houses >= 0 and vehicles >= 0):
        return None
    flags = [household.get(name, False) for name in _FLAGS]
    if {*map(type, flags)} != {bool}:
        return None
    recognised_on = None
    if "recognised_on" in household:
        recognised_on = _day(household["recognised_on"])
        if recognised_on is None or recognised_on > day:
            return None
    cost = _amount(data["cost"]) if "cost" in data else None
    if cost is None and ("cost" in data or severity == "heavy"):
        return None
    if kind == "expenditure" and not (incomes is not None and expenses is not None and assets is not None
                                      and "houses" in household and "vehicles" in household and cost is not None):
        return None
    persons = data.get("beneficiaries", 1)
    if not (type(persons) is int and 1 <= persons <= size):
        return None
    requested = _amount(data["requested_amount"]) if "requested_amount" in data else None
    if requested is None and "requested_amount" in data:
        return None
    return Row(county, kind, category, area, severity, residency, size, persons, incomes, expenses, assets,
               houses, vehicles, flags[0] or flags[2] or flags[3], recognised_on, cost, requested)


class Group:
    """One (county, kind, category, area, severity) of a rule set on the day, its parameters derived once."""

    def __init__(self, p, county, category, area: str, kind: str, severity, day):
        need = self._need = lambda path: _value(p, path)
        months = p.get("eligibility.expenditure.recognised_months")
        self.recognition = None if months is None else months_before(day, months.value)
        residency = p.get("eligibility.emergency_residency") if kind == "emergency" else None
        self.residency = (need("eligibility.residency") if residency is None else residency).value
        self.base = need("standards.dibao_monthly.urban").value
        self.major = severity == "major"          # 一事一议: no amount, the county's leading group decides
        self.limit = None if self.major else need("approval.township_limit").value
        self.light = kind == "emergency" and severity == "light"
        self.quick = False
        if kind == "expenditure":
            self.n = need("eligibility.expenditure.net_income_months").value
            self.m = need("eligibility.expenditure.income_months").value
            self.wanted = max(self.n, self.m)
            dibao = need(f"standards.dibao_monthly.{area}").value
            self.net_limit = _whole(dibao * self.n * 100)             # fen, times the household size
            self.income_limit = _whole(need(f"standards.disposable_income_prior_year.{area}").value * 100)
            months_assets = need("eligibility.expenditure.assets.financial_per_capita_max_dibao_months").value
            self.assets_limit = months_assets * dibao
            self.houses = need("eligibility.expenditure.assets.max_houses").value
            self.vehicles = need("eligibility.expenditure.assets.max_vehicles").value
        if self.light:
            quick = p.get("aid.quick_cap_dibao_months")
            self.quick = quick is not None
            self.maximum = quick.value * self.base if self.quick else need("aid.emergency_light_cap").value
        elif not self.major:                                          # a major one reads no amount rules
            rows = need(f"aid.{category.tiers}").value
            self.starts = [(row.start, row) for row in reversed(rows)]  # the last band first
            self.first = rows[0]
            self.cap_at_cost = need("aid.cap_at_cost").value
            self.maxima: dict = {}                                    # (tier, persons) -> maximum
        self.decisive = tuple(plain_value(getattr(self, name, None)) for name in _DECISIVE)

    def tier_maximum(self, cost: Decimal, persons: int) -> Decimal:
        """The maximum of the row ``cost`` falls in (the engine's, before the cost cap)."""
        for start, row in self.starts:                                # as find_row
            if start * persons <= cost:
                break
        else:
            row = self.first
        key = (row.number, persons)
        found = self.maxima.get(key)
        if found is None:
            with localcontext(_CONTEXT):
                found = self.maxima[key] = row.multiplier * self.base * persons
        return found


#: what a decision reads of its group, but the approval limit (see Decider.decide_both)
_DECISIVE = ("recognition", "residency", "base", "major", "light", "quick", "n", "m", "net_limit", "income_limit",
             "assets_limit", "houses", "vehicles", "maximum", "starts", "first", "cap_at_cost")


def plain_value(value):
    """A rule value comparable by what it says: tier rows by their bands, not their identity."""
    if isinstance(value, (list, tuple)):
        return tuple(plain_value(item) for item in value)
    if hasattr(value, "multiplier"):
        return value.number, value.start, value.multiplier
    return value


def _whole(value: Decimal):
    """``value`` as an int when it is whole (integer comparisons are the cheaper), else as it is."""
    return int(value) if value == value.to_integral_value() else value


class _Missing(Exception):
    """A parameter the engine needs has no value on the day (its input error), or one beyond this
    path: every application of the group goes the usual way."""


def _value(p, path):
    val = p.get(path)
    if val is None:
        raise _Missing(path)
    return val


_SAME, _OTHER = object(), object()


def _relation(group, other):
    """_SAME, _OTHER, or ``other``'s approval limit when the two differ in it alone."""
    if group is _NO_GROUP or other is _NO_GROUP or group.decisive != other.decisive:
        return _OTHER
    return _SAME if group.limit == other.limit else other.limit


class Decider:
    """The decisions of one rule set on one day, group by group."""

    def __init__(self, rules, day):
        self.rules, self.day = getattr(rules, "current", rules), day
        self.text_ok = FIRST_YEAR <= day.year <= LAST_YEAR
        self.groups: dict = {}
        self.pairs: dict = {}  # group key -> (its group, _SAME, _OTHER or the other's limit): decide_both

    def group(self, row: Row):
        return self.group_of((row.county, row.kind, row.category, row.area, row.severity))

    def group_of(self, key: tuple):
        """The :class:`Group` of ``(county, kind, category, area, severity)``, or _NO_GROUP (remembered)."""
        found = self.groups.get(key)
        if found is None:
            found = self.groups[key] = self._build(*key)
        return found

    def _build(self, code: str, kind: str, category_code: str, area: str, severity):
        county = self.rules.county(code)
        category = county.category_map.get(category_code) if county is not None else None
        if (not self.text_ok or category is None or not _COUNTY(code) or not _CATEGORY(category_code)
                or (kind == "expenditure" and category.kind not in EXPENDITURE_CATEGORY_KINDS)):
            return _NO_GROUP
        try:
            with localcontext(_CONTEXT):
                return Group(county.params(self.day), county, category, area, kind, severity, self.day)
        except _Missing:
            return _NO_GROUP

    def decide_both(self, other: "Decider", row: Row):
        """``(this decision, other's)`` of ``row`` (other: the same day under the proposed rules), or None
        when it must go the usual way. A group whose decisive values are the same under both is decided
        once, and one that differs only in its approval limit (a common edit) has its level set again:
        the outcome of every other part of the decision cannot move."""
        key = (row.county, row.kind, row.category, row.area, row.severity)
        found = self.pairs.get(key)
        if found is None:
            group = self.group(row)
            found = self.pairs[key] = (group, _relation(group, other.group(row)))
        group, relation = found
        before = self._decide(group, row)
        if before is None or relation is _SAME:
            return None if before is None else (before, before)
        if relation is _OTHER:
            after = other.decide(row)
            return None if after is None else (before, after)
        eligible, level, suggested, error, quick = before
        if eligible:
            level = "township" if suggested <= relation else "county"
        return before, (eligible, level, suggested, error, quick)

    def decide(self, row: Row):
        """``(eligible, level, suggested, None, quick)`` as :func:`app.rules.impact._decide` gives it, or
        None when this row must go the usual way."""
        return self._decide(self.group(row), row)

    def _decide(self, group, row: Row):
        if group is _NO_GROUP:
            return None
        waived = False
        if group.recognition is not None and row.recognised:
            if row.recognised_on is None:
                return None                                           # the engine's input error
            waived = row.kind == "expenditure" and row.recognised_on >= group.recognition
        eligible = row.residency in group.residency
        if row.kind == "expenditure":
            incomes, expenses, n, size = row.incomes, row.expenses, group.n, row.size
            if len(incomes) < group.wanted or len(expenses) < n:
                return None                                           # the engine's input error
            # months are at least 1 (the schema's Count(1)): sums[n - 1] is the first n months'
            eligible = eligible and int(incomes[n - 1]) - int(expenses[n - 1]) < group.net_limit * size and (
                waived or (int(incomes[group.m - 1]) < group.income_limit * size
                           and row.assets <= group.assets_limit * size
                           and row.houses <= group.houses and row.vehicles <= group.vehicles))
        if group.major:
            return (True, "county_leading_group", None, None, False) if eligible else (False, None, None, None, False)
        if group.light:
            requested = row.requested
            suggested = group.maximum if requested is None or requested > group.maximum else requested
        else:
            suggested = group.tier_maximum(row.cost, row.persons)
            if group.cap_at_cost and row.cost < suggested:
                suggested = row.cost
        if not eligible:
            return False, None, None, None, group.quick
        return True, "township" if suggested <= group.limit else "county", suggested, None, group.quick
