"""The batch door's column evaluator: a chunk of plain lines decided together, in whole fen, over arrays.

:func:`~app.rules.quickverdict.quick_verdict` decides one line at a time, and for a million lines its cost
is Python's, line by line. Here a chunk's lines are decoded by msgspec (:mod:`app.rules.plainjson`) and
read as columns: each line's plan (the row path's own :class:`~app.rules.quickverdict.Plan`) is found by
its texts in one table, the chunk's amounts are parsed by one call per field and held in fen as ``int64``,
the months' sums are differences of one running sum, and the checks, tier bands, cap at the cost and
approval level are array operations (:mod:`app.rules.fencolumns`, :mod:`app.rules.plantable`). Even the
texts are written by column: each line's text is its pieces, one from each column, joined in C.

The arithmetic is integer arithmetic in fen, exact within its bounds: amounts below 10^10 yuan (the
reader's bound), households of at most :data:`SIZE_MAX`, plans whose figures are below
:data:`~app.rules.plantable.PLAN_FEN_MAX` fen, so that no product or sum reaches 2^63. A line or plan
outside them, a field this path does not read (an expenditure's requested amount, say), or anything a
check doubts is left as None: the caller answers it by the row path, or by the general one after it. The
text is the engine's byte for byte; ``tests/rules/test_columns.py`` holds it to that on the business
cases, the benchmark's mix, random and broken inputs and every rule set the tests carry.

Example (``line`` a plain application's JSON)::

    column_verdicts([line, b"{not json"], rules) == [dumps(evaluate(json.loads(line), rules)), None]
"""
from __future__ import annotations

from itertools import chain, compress, repeat
from operator import attrgetter, eq, is_, is_not, itemgetter

import numpy as np
from msgspec import UNSET, DecodeError

from app.rules.fencolumns import column, months, ratio, singles, yuan
from app.rules.plainjson import Emergency, Expenditure, decode
from app.rules.plantable import (
    ASSETS,
    BANDS,
    BANDS_MAX,
    BEFORE,
    CAP,
    DAYS,
    DIBAO_N,
    EACH,
    HOUSES,
    INCOME,
    LIGHT_MAX,
    LIMIT,
    MODE,
    MODES,
    MOMENTS,
    PASSES,
    RESIDENCIES,
    STARTS,
    VEHICLES,
    M,
    Memo,
    N,
    PlanTable,
)

SIZE_MAX = 100_000        # household sizes (and so beneficiaries) this path reads
DECODED_TOGETHER = 64     # lines decoded by one call (a bad one sends its group line by line)
_TIERS, _LIGHT, _MAJOR = MODES["tiers"], MODES["light"], MODES["major"]
#: the approval level, with the fixed text around it: county, township, county leading group, none
_LEVELS = tuple(f', "approval_level": {level}, "deadlines": ' for level in (
    '"county"', '"township"', '"county_leading_group"', "null"))
_NOTES = tuple(f', "notes": [{notes}], "warnings": [' for notes in (
    "", '"verify_necessary_expenses"', '"public_posting_before_aid"',
    '"verify_necessary_expenses", "public_posting_before_aid"'))
_MAJOR_TAIL = ', "suggested": null, "maximum": null, "case_by_case": true}'
_PERSONS = Memo(lambda persons: f'{persons}, "suggested": "')
_RESIDENCY = {name: index for index, name in enumerate(RESIDENCIES)}
_FLAGS = attrgetter("dibao", "tekun", "dibao_edge", "rigid_expense")
_BITS = {(a, b, c, d): a | b << 1 | c << 2 | d << 3 for a in (0, 1) for b in (0, 1) for c in (0, 1) for d in (0, 1)}
_ZERO = b'["0"]'   # a list of months standing for one not given
_KEY = attrgetter("county", "application_date", "category", "area", "severity")
_COUNTS = attrgetter("household.size", "beneficiaries")
_HOUSEHOLD = attrgetter("household")
#: fields a line of each kind may have that this path leaves to the row path
_LEFT = {
    Expenditure: (attrgetter("requested_amount", "reported_at", "pre_assisted_on"), (UNSET,) * 3),
    Emergency: (attrgetter("accepted_on"), UNSET),
}


def column_verdicts(lines: list[bytes], rules) -> list[str | None]:
    """The verdict text of each line this path decides, None for every other (the caller answers those)."""
    rules = getattr(rules, "current", rules)
    apps = _decoded(lines)
    out: list[str | None] = [None] * len(lines)
    kinds = list(map(type, apps))
    for kind in (Expenditure, Emergency):
        mine = column(map(is_, kinds, repeat(kind)), bool)
        if not mine.any():
            continue
        table = rules.derived.get(kind)
        if table is None:
            table = rules.derived[kind] = PlanTable(rules, kind.kind)
        try:
            texts = _Chunk(kind, list(compress(apps, mine)), table).verdicts()
        except OverflowError:  # a count beyond int64: the row path reads it
            continue
        for index, text in zip(np.flatnonzero(mine).tolist(), texts):
            out[index] = text
    return out


def _decoded(lines: list[bytes]) -> list:
    """Each line's :class:`Expenditure` or :class:`Emergency`, or None: groups of lines are decoded by one
    ``map`` (in C); a group with a line that is not one is decoded line by line."""
    apps: list = []
    for start in range(0, len(lines), DECODED_TOGETHER):
        group = lines[start:start + DECODED_TOGETHER]
        try:
            decoded = list(map(decode, group))
        except DecodeError:
            for raw in group:
                try:
                    apps.append(decode(raw))
                except DecodeError:
                    apps.append(None)
        else:
            apps.extend(decoded)
    return apps


def _joined(*columns) -> list[str]:
    """Each line's text: one piece from each column (a list, one per line, or one text for every line)."""
    return list(map("".join, zip(*(part if isinstance(part, list) else repeat(part) for part in columns))))


def _texts(flags: np.ndarray, before: str = "", after: str = "") -> list[str]:
    """``"true"`` or ``"false"`` for each flag, between the fixed texts around it."""
    return list(map((f"{before}false{after}", f"{before}true{after}").__getitem__, flags.tolist()))


def _choose(condition: np.ndarray, chosen, other) -> list:
    """``chosen``'s text where ``condition`` holds, else ``other``'s (each a column or one text)."""
    pairs = zip(*(part if isinstance(part, list) else repeat(part) for part in (other, chosen)))
    return list(map(tuple.__getitem__, pairs, condition.tolist()))


class _Chunk:
    """The lines of one kind in a chunk, their plans, and the columns their verdicts are made of."""

    def __init__(self, kind, apps: list, table: PlanTable):
        self.kind, self.apps, self.table = kind, apps, table
        self.rows = column(map(table.__getitem__, map(_KEY, apps)))
        self.applied = list(map(DAYS.__getitem__, map(attrgetter("application_date"), apps)))
        self.figures = table.figures()[self.rows]
        self.households = households = list(map(_HOUSEHOLD, apps))
        self.count = len(apps)
        self.sizes, self.persons = column(chain.from_iterable(map(_COUNTS, apps))).reshape(-1, 2).T
        left, nothing = _LEFT[kind]
        self.ok = ((self.sizes >= 1) & (self.sizes <= SIZE_MAX) & (self.persons >= 1) & (self.persons <= self.sizes)
                   & (self.rows > 0) & column(map(eq, map(left, apps), repeat(nothing)), bool))
        self.flags = column(map(_BITS.__getitem__, map(_FLAGS, households)))
        self.waived, self.posting = np.zeros(self.count, bool), np.zeros(self.count, bool)
        self._recognitions()

    def piece(self, name: str, index: np.ndarray | None = None) -> list[str]:
        """The text ``name`` of each line's plan (at ``index`` instead of the row, for the per-residency and
        per-band texts)."""
        return list(map(self.table.texts[name].__getitem__, (self.rows if index is None else index).tolist()))

    def _recognitions(self):
        """Checks the recognition dates; finds who is spared the income and assets checks (``waived``)
        and whose aid is posted first (``posting``), as :func:`~app.rules.quickverdict.quick_verdict`."""
        dates = list(map(attrgetter("recognised_on"), self.households))
        flags = self.flags
        recognised = (flags & 0b1101) > 0                       # dibao, dibao_edge or rigid_expense
        for i in np.flatnonzero(column(map(is_not, dates, repeat(UNSET)), bool) | recognised).tolist():
            day, plan = DAYS[dates[i]], self.table.plans[self.rows[i]]
            if day is None or plan is None or (day is not UNSET and day > self.applied[i]):
                self.ok[i] = False
                continue
            months_value = plan.recognised_months
            if months_value is None or not recognised[i]:
                continue
            if day is UNSET:
                self.ok[i] = False                              # the engine's input error
            elif plan.kind == "expenditure":
                self.waived[i] = day >= BEFORE[(self.applied[i], months_value.value)]
                self.posting[i] = (flags[i] & 0b1100) > 0

    def amounts(self, eligible: np.ndarray, costs: np.ndarray, requested: np.ndarray, asked: np.ndarray):
        """Each line's amount block and approval level, as columns of text (``"null"`` where not eligible)."""
        persons, figures = self.persons, self.figures
        modes = figures[:, MODE]
        chosen = np.full(self.count, -1)
        bands = figures[:, BANDS]
        for band in range(int(bands.max(initial=0))):           # the last band first, as find_row
            hit = (chosen < 0) & (band < bands) & (figures[:, STARTS + band] * persons <= costs)
            chosen[hit] = band
        chosen = np.maximum(np.where(chosen < 0, bands - 1, chosen), 0)
        maximum = np.take_along_axis(figures[:, EACH:], chosen[:, None], 1)[:, 0] * persons
        maximum = np.where((figures[:, CAP] > 0) & (costs < maximum), costs, maximum)
        light = modes == _LIGHT
        maximum = np.where(light, figures[:, LIGHT_MAX], maximum)
        suggested = np.where(light & asked & (requested <= maximum), requested, maximum)
        persons_text = list(map(_PERSONS.__getitem__, persons.tolist()))
        major = modes == _MAJOR
        amount = _choose(major, _joined(self.piece("major"), list(map(str, persons.tolist())), _MAJOR_TAIL), _joined(
            self.piece("amount", self.rows * BANDS_MAX + chosen), persons_text, yuan(suggested), '", "maximum": "',
            yuan(maximum), '", "case_by_case": false}'))
        level = np.where(major, 2, (suggested <= figures[:, LIMIT]).astype(np.int64))
        return _choose(eligible, amount, "null"), list(map(_LEVELS.__getitem__, np.where(eligible, level, 3).tolist()))

    def residency(self) -> tuple[np.ndarray, list[str]]:
        """Whether each line passes its residency check, and the check's text."""
        named = column(map(_RESIDENCY.__getitem__, map(attrgetter("residency"), self.apps)))
        passes = np.take_along_axis(self.figures[:, PASSES[0]:PASSES[-1] + 1], named[:, None], 1)[:, 0] > 0
        return passes, self.piece("residency", self.rows * len(RESIDENCIES) + named)

    def dues(self, memo: Memo, keys) -> tuple[list[str], list[str]]:
        """The deadlines' and warnings' texts of each line, from ``memo`` by its key ``(row, dates...)``."""
        found = list(map(memo.__getitem__, keys))
        return list(map(itemgetter(0), found)), list(map(itemgetter(1), found))

    def verdicts(self) -> list[str | None]:
        return self._expenditures() if self.kind is Expenditure else self._emergencies()

    def _expenditures(self) -> list[str | None]:
        households, apps, figures, sizes = self.households, self.apps, self.figures, self.sizes
        incomes, first, counted, ok_in = months(list(map(attrgetter("monthly_income"), households)))
        spent, start, listed, ok_out = months(list(map(attrgetter("monthly_necessary_expenses"), households)))
        assets, ok_assets = singles(list(map(attrgetter("financial_assets"), households)))
        costs, ok_cost = singles(list(map(attrgetter("cost"), apps)))
        houses = column(map(attrgetter("houses"), households))
        vehicles = column(map(attrgetter("vehicles"), households))
        accepted = [applied if day is UNSET else day for applied, day in zip(
            self.applied, map(DAYS.__getitem__, map(attrgetter("accepted_on"), apps)))]
        n, m = figures[:, N], figures[:, M]
        ok = (self.ok & ok_in & ok_out & ok_assets & ok_cost & (counted >= np.maximum(n, m)) & (listed >= n)
              & (houses >= 0) & (vehicles >= 0) & column(map(is_not, accepted, repeat(None)), bool))
        n, m = np.where(ok, n, 0), np.where(ok, m, 0)
        net = incomes[first + n] - incomes[first] - (spent[start + n] - spent[start])
        total = incomes[first + m] - incomes[first]
        net_ok = net < figures[:, DIBAO_N] * sizes
        income_ok = total < figures[:, INCOME] * sizes
        assets_ok = assets <= figures[:, ASSETS] * sizes
        houses_ok, vehicles_ok = houses <= figures[:, HOUSES], vehicles <= figures[:, VEHICLES]
        waived = self.waived
        passed, residency = self.residency()
        eligible = ok & passed & net_ok & (waived | (income_ok & assets_ok & houses_ok & vehicles_ok))
        rest = _choose(waived, self.piece("waived"), _joined(
            _texts(income_ok, ', {"name": "income", "passed": ', ', "value": "'), ratio(total, sizes),
            self.piece("after_total"), _texts(assets_ok, after=', "value": "'), ratio(assets, sizes),
            self.piece("after_assets"), _texts(houses_ok, after=', "value": '), list(map(str, houses.tolist())),
            self.piece("after_houses"), _texts(vehicles_ok, after=', "value": '), list(map(str, vehicles.tolist())),
            self.piece("after_vehicles")))
        deadlines, warnings = self.dues(self.table.decision_dues, zip(self.rows.tolist(), accepted))
        amount, level = self.amounts(eligible, costs, costs, np.zeros(self.count, bool))
        notes = np.where((self.flags & 0b11) > 0, 1, 0) | np.where(waived, 1, 0) | np.where(self.posting, 2, 0)
        texts = _joined(
            self.piece("prefix"), list(map(attrgetter("application_date"), apps)),
            _texts(eligible, '", "eligible": ', ', "checks": ['), residency, _texts(net_ok, after=', "value": "'),
            ratio(net, np.maximum(n * sizes, 1)), self.piece("after_net"), rest, amount, level, deadlines,
            list(map(_NOTES.__getitem__, notes.tolist())), warnings, "]}")
        return _choose(ok, texts, None)

    def _unread_household(self) -> np.ndarray:
        """Whether each emergency's income, spending, assets, houses and vehicles, which its verdict does not
        read, are well formed where given (a malformed one is the engine's input error)."""
        households = self.households
        given = [household for household in households if household.monthly_income is not UNSET
                 or household.monthly_necessary_expenses is not UNSET or household.financial_assets is not UNSET
                 or household.houses is not UNSET or household.vehicles is not UNSET]
        if not given:
            return np.ones(self.count, bool)
        ok = months([_ZERO if h.monthly_income is UNSET else h.monthly_income for h in households])[3]
        ok &= months([_ZERO if h.monthly_necessary_expenses is UNSET else h.monthly_necessary_expenses
                      for h in households])[3]
        ok &= singles(["0" if h.financial_assets is UNSET else h.financial_assets for h in households])[1]
        ok &= column((0 if h.houses is UNSET else h.houses for h in households)) >= 0
        return ok & (column((0 if h.vehicles is UNSET else h.vehicles for h in households)) >= 0)

    def _emergencies(self) -> list[str | None]:
        apps = self.apps
        given = column(map(is_not, map(attrgetter("cost"), apps), repeat(UNSET)), bool)
        asked = column(map(is_not, map(attrgetter("requested_amount"), apps), repeat(UNSET)), bool)
        costs, ok_cost = singles([app.cost if app.cost is not UNSET else "0" for app in apps])
        requested, ok_requested = singles([app.requested_amount if app.requested_amount is not UNSET else "0"
                                           for app in apps])
        heavy = column(map(eq, map(attrgetter("severity"), apps), repeat("heavy")), bool)
        ok_household = self._unread_household()
        reports = [(None, applied) if text is UNSET else MOMENTS[text]
                   for applied, text in zip(self.applied, map(attrgetter("reported_at"), apps))]
        assisted = [local if day is UNSET else day for (_, local), day in zip(
            reports, map(DAYS.__getitem__, map(attrgetter("pre_assisted_on"), apps)))]
        ok = (self.ok & ok_cost & ok_requested & ok_household & (given | ~heavy)
              & column(map(is_not, map(itemgetter(1), reports), repeat(None)), bool)   # a reported_at not read
              & column(map(is_not, assisted, repeat(None)), bool))
        passed, residency = self.residency()
        eligible = ok & passed
        deadlines, warnings = self.dues(self.table.emergency_dues, zip(
            self.rows.tolist(), map(attrgetter("reported_at"), apps), map(itemgetter(0), reports), self.applied,
            assisted))
        amount, level = self.amounts(eligible, costs, requested, asked)
        texts = _joined(
            self.piece("prefix"), list(map(attrgetter("application_date"), apps)),
            _texts(eligible, '", "eligible": ', ', "checks": ['), residency, amount, level, deadlines,
            ', "notes": [', self.piece("quick"), warnings, "]}")
        return _choose(ok, texts, None)
