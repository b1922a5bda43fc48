"""The column evaluator's plans, found by a line's own texts, with their figures as one array.

A line's plan (:class:`~app.rules.quickverdict.Plan`: the limits, texts and amount rule of one county,
interval of parameters, kind, category, area and severity) is found by the texts of the line that choose
it — county, application date, category, area, severity — so a chunk finds all its plans with one
dictionary lookup a line, in C. Each plan has a row: its figures (limits, bands, months) in
:meth:`PlanTable.figures`, one ``int64`` array a chunk gathers by its lines' rows, and its pieces of text
in :attr:`PlanTable.texts`. Row 0 stands for "no plan here": a line whose texts are not valid, whose
verdict is an error, or whose plan is beyond the evaluator's bounds; the caller answers it the other way.

The table belongs to one rule set (``RuleSet.derived``), so a reload starts a new one. It is bounded
(:data:`~app.rules.fastinput.MEMO_MAX` entries), whatever the input holds.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
from msgspec import UNSET

from app.rules.fastinput import MEMO_MAX, _category_kind, _day, _moment, plain_county
from app.rules.quickverdict import _plan, deadlines_text
from app.rules.recognition import months_before
from app.rules.request import CST

PLAN_FEN_MAX = 10 ** 11   # every figure of a plan the evaluator reads is below it (fen, or a count)
BANDS_MAX = 8             # tier bands of a plan it reads
RESIDENCIES = ("local_hukou", "residence_permit", "none")
MODES = {"tiers": 0, "light": 1, "major": 2}
#: the columns of a plan's figures; the bands' starts and maxima per person (fen) follow from STARTS, EACH
(MODE, LIMIT, LIGHT_MAX, CAP, N, M, DIBAO_N, INCOME, ASSETS, HOUSES, VEHICLES, BANDS, QUICK,
 *PASSES) = range(13 + len(RESIDENCIES))
STARTS = PASSES[-1] + 1
EACH = STARTS + BANDS_MAX
#: the pieces of text of a plan, by name; ``residency`` and ``amount`` are kept per residency and per band,
#: at ``row * 3 + residency`` and ``row * BANDS_MAX + band``
PIECES = ("prefix", "waived", "quick", "after_net", "after_total", "after_assets", "after_houses",
          "after_vehicles", "major")


class Memo(dict):
    """Keys → what ``read`` makes of them, remembered (bounded); UNSET reads as UNSET."""

    def __init__(self, read):
        super().__init__()
        self.read = read

    def __missing__(self, key):
        found = key if key is UNSET else self.read(key)
        if len(self) < MEMO_MAX:
            self[key] = found
        return found


def _local(text):
    moment = _moment(text)
    return (None, None) if moment is None else (moment, moment.astimezone(CST).date())


DAYS = Memo(_day)                                # date texts -> dates, None when not valid
MOMENTS = Memo(_local)                           # reported_at texts -> (moment, its date in China)
BEFORE = Memo(lambda key: months_before(*key))   # (day, months) -> that many months before
MIDNIGHT = Memo(lambda day: datetime(day.year, day.month, day.day, tzinfo=CST))  # a report's default time
_WARNINGS = Memo(lambda warnings: ", ".join(f'"{warning}"' for warning in warnings))


class _Key:
    """What :func:`~app.rules.quickverdict._plan` reads of a line to find its plan."""

    __slots__ = ("county", "kind", "category", "area", "severity", "application_date", "application_text")


class PlanTable(dict):
    """One rule set's plans of one kind: a line's texts ``(county, application date, category, area,
    severity)`` → its plan's row (0: none)."""

    def __init__(self, rules, kind: str):
        super().__init__()
        self.rules, self.kind = rules, kind
        self.rows: list[tuple] = [(0,) * (EACH + BANDS_MAX)]
        self.plans: list = [None]
        self.texts: dict[str, list[str]] = {name: [""] for name in PIECES}
        self.texts["residency"] = [""] * len(RESIDENCIES)
        self.texts["amount"] = [""] * BANDS_MAX
        #: (row, accepted) of an expenditure, (row, reported text, reported moment, applied, pre-assisted) of
        #: an emergency -> (deadlines' text, warnings' text); ("", "") where the line has no plan or date
        self.decision_dues = Memo(lambda key: self._dues(key[0], key[1], None, None, None, None))
        self.emergency_dues = Memo(lambda key: self._dues(key[0], None, *key[1:]))
        self._numbered: dict[int, int] = {}
        self._figures, self._filled = None, 0

    def figures(self) -> np.ndarray:
        """Every row's figures (see ``MODE`` ...), as one array (grown by doubling, so a table that keeps
        finding new plans does not copy itself each time)."""
        if self._figures is None or len(self._figures) < len(self.rows):
            grown = np.zeros((max(64, 2 * len(self.rows)), len(self.rows[0])), np.int64)
            self._figures, self._filled = grown, 0
        if self._filled < len(self.rows):
            self._figures[self._filled:len(self.rows)] = self.rows[self._filled:]
            self._filled = len(self.rows)
        return self._figures

    def _dues(self, row, accepted, reported_text, reported, applied, assisted) -> tuple[str, str]:
        """An emergency reported at no given moment was reported at the start of its application day."""
        plan = self.plans[row]
        if plan is None or (accepted is None if plan.kind == "expenditure" else None in (applied, assisted)):
            return "", ""
        if reported is None and plan.kind == "emergency":
            reported = MIDNIGHT[applied]
        text, warnings = deadlines_text(plan, accepted, reported_text, reported, applied, assisted)
        return text, _WARNINGS[warnings]

    def __missing__(self, texts) -> int:
        county, applied_text, category, area, severity = texts
        applied = _day(applied_text)
        row = 0
        if applied is not None and plain_county(county) and _category_kind(category) is not None:
            key = _Key()
            key.county, key.kind, key.category, key.area = county, self.kind, category, area
            key.severity = None if severity is UNSET else severity
            key.application_date, key.application_text = applied, applied_text
            plan = _plan(key, self.rules)
            row = self._row(plan) if plan is not None else 0
        if len(self) < MEMO_MAX:
            self[texts] = row
        return row

    def _row(self, plan) -> int:
        """The row of ``plan``, added on first sight; 0 when a figure is beyond the evaluator's bounds."""
        row = self._numbered.get(id(plan))
        if row is None:
            bands = plan.rows or ()
            limits = plan.expenditure[:8] if plan.expenditure is not None else (0,) * 8
            blank = (0,) * (BANDS_MAX - len(bands))
            figures = (MODES[plan.mode], plan.limit or 0, plan.light_max or 0, int(bool(plan.cap_at_cost)),
                       limits[0], limits[1], *limits[3:8], len(bands), int(plan.quick),
                       *(int(plan.residency[name][0]) for name in RESIDENCIES),
                       *(band[0] for band in bands), *blank, *(band[1] for band in bands), *blank)
            row = 0
            if len(bands) <= BANDS_MAX and max(figures) < PLAN_FEN_MAX and len(self.rows) < MEMO_MAX:
                row = len(self.rows)
                self.rows.append(figures)
                self.plans.append(plan)
                self._add_texts(plan)
            self._numbered[id(plan)] = row
        return row

    def _add_texts(self, plan):
        """A new row's pieces of text: each holds the fixed text that follows it, up to the next value."""
        texts = self.texts
        tails = plan.expenditure[8:13] if plan.expenditure is not None else ("",) * 5
        pieces = {
            "prefix": plan.prefix, "quick": f'{_QUICK[plan.quick]}], "warnings": [',
            "waived": f', {", ".join(plan.expenditure[13])}], "amount": ' if plan.expenditure is not None else "",
            "after_net": f'"{tails[0]}',
            "after_total": f'"{tails[1]}, {{"name": "financial_assets", "passed": ',
            "after_assets": f'"{tails[2]}, {{"name": "houses", "passed": ',
            "after_houses": f'{tails[3]}, {{"name": "vehicles", "passed": ',
            "after_vehicles": f'{tails[4]}], "amount": ',
            "major": f'{{"tier": null, "multiplier": null, "base": "{plan.base_text}", "beneficiaries": '}
        for name in PIECES:
            texts[name].append(pieces[name])
        after = '], "amount": ' if plan.kind == "emergency" else ', {"name": "net_income", "passed": '
        texts["residency"].extend(plan.residency[name][1] + after for name in RESIDENCIES)
        bands = plan.rows or ()
        for band in range(BANDS_MAX):
            tier, multiplier = (bands[band][2], bands[band][3]) if band < len(bands) else ("null", "null")
            texts["amount"].append(f'{{"tier": {tier}, "multiplier": {multiplier}, "base": "{plan.base_text}", '
                                   f'"beneficiaries": ')


_QUICK = ("", '"quick_aid"')
