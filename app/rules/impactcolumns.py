"""The impact's decisions of a chunk of stored rows at once: columns in whole fen.

Row by row (:meth:`app.rules.decisions.Decider.decide_both`), a stored application takes about 10 µs:
its row split back into a :class:`~app.rules.decisions.Row` of ints and Decimals, decided, counted.
Here a chunk of rows is split once into columns (numbers as ``int64`` arrays of fen), each group's
parameters are one row of figures in fen (:class:`Figures`, made once per group and rule set), and
every check, tier band, cap, level and count is one numpy operation over the chunk, under both rule
sets. A decision is the engine's: amounts that are whole fen compare and add exactly as integers,
and a total keeps the Decimal exponent the engine's sum has (the most decimals of what it adds).

A row it cannot decide this way — a group whose figures are not whole fen or have more bands than
:data:`BANDS_MAX`, an amount with more than two decimals, a count beyond :data:`COUNT_DIGITS` digits,
anything the row path would send the usual way — is left to the row path (``left`` of :func:`decide`).
Pure: no Flask, no database. ``tests/rules/test_impact_columns.py`` holds it to the row path.
"""
from __future__ import annotations

import re
from decimal import ROUND_FLOOR, Decimal, localcontext
from operator import methodcaller

import numpy as np

from app.rules.decisions import _NO_GROUP
from app.rules.engine import _CONTEXT
from app.rules.stored_rows import FIELDS, SEPARATOR, VERSION

FIGURE_MAX = 10 ** 11  # fen (or a count): every figure of a group read here is below it
BANDS_MAX = 8
COUNT_DIGITS = 4       # size, persons, houses, vehicles read here: below 10,000
_PLAIN = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?").fullmatch
#: in a column of texts stored_row wrote (digits, a point and digits), what marks one with more than two decimals
_THIRD_DECIMAL = re.compile(r"\.[0-9]{3}").search
MONTHS_MAX = 9000      # months of a row read here (their running sums stay below 2^63 fen)
_FIND_POINT = methodcaller("find", ".")
_COMMAS = methodcaller("count", ",")
_SEPARATORS = methodcaller("count", SEPARATOR)

(OK, LIGHT, QUICK, EXPENDITURE, RECOGNITION, N, M, WANTED, NET, INCOME, ASSETS, HOUSES, VEHICLES, MAXIMUM,
 MAXIMUM_DECIMALS, CAP, LIMIT, BANDS, ALLOWED, MAJOR) = range(20)
STARTS = MAJOR + 1
EACH = STARTS + BANDS_MAX       # a band's maximum per beneficiary, fen
DECIMALS = EACH + BANDS_MAX     # the decimals of that maximum (as the engine's Decimal has them)
WIDTH = DECIMALS + BANDS_MAX


def _fen(value, floor: bool = False, scale: int = 100):
    """``value`` (yuan) in whole fen when it is one (``floor``: the most fen not above it); else None.

    >>> _fen(Decimal("12.5")), _fen(Decimal("0.125")), _fen(Decimal("0.125"), floor=True)
    (1250, None, 12)
    """
    fen = Decimal(value) * scale
    if floor:
        fen = fen.to_integral_value(ROUND_FLOOR)
    return int(fen) if fen == fen.to_integral_value() else None


def _decimals(value: Decimal) -> int:
    return -value.as_tuple().exponent


def figures(group, residency: str) -> list[int] | None:
    """The row of figures (see the column names above) of a group and an applicant's residency, or None
    when it is not decided here: figures beyond whole fen or :data:`FIGURE_MAX`, a maximum of more than
    two decimals (a total of those would need more digits than a sum's context keeps)."""
    if group is _NO_GROUP:
        return None
    with localcontext(_CONTEXT):                       # as the engine multiplies: exactly
        row = _figures(group, residency)
    if row is None or max(row[MAXIMUM_DECIMALS], *row[DECIMALS:DECIMALS + BANDS_MAX]) > 2:
        return None
    return row


def _figures(group, residency: str) -> list[int] | None:
    row = [0] * WIDTH
    row[OK], row[LIGHT], row[QUICK] = 1, int(group.light), int(group.quick)
    row[RECOGNITION] = int(group.recognition is not None)
    row[ALLOWED] = int(residency in group.residency)
    found = [0 if group.major else _fen(group.limit, floor=True)]
    row[MAJOR] = int(group.major)
    if hasattr(group, "n"):
        row[EXPENDITURE], row[N], row[M], row[WANTED] = 1, group.n, group.m, group.wanted
        found += [_fen(group.net_limit, scale=1), _fen(group.income_limit, scale=1), _fen(group.assets_limit),
                  _fen(group.houses, floor=True, scale=1), _fen(group.vehicles, floor=True, scale=1)]
        row[NET], row[INCOME], row[ASSETS], row[HOUSES], row[VEHICLES] = found[1:]
    if group.light:
        found.append(_fen(group.maximum))
        row[MAXIMUM], row[MAXIMUM_DECIMALS] = found[-1], _decimals(group.maximum)
    elif not group.major:
        bands = [band for _, band in reversed(group.starts)]
        if len(bands) > BANDS_MAX:
            return None
        row[CAP], row[BANDS] = int(bool(group.cap_at_cost)), len(bands)
        for index, band in enumerate(bands):
            each = band.multiplier * group.base
            found += [_fen(band.start), _fen(each)]
            row[STARTS + index], row[EACH + index], row[DECIMALS + index] = found[-2], found[-1], _decimals(each)
    row[LIMIT] = found[0]
    if any(type(value) is not int or not -FIGURE_MAX < value < FIGURE_MAX for value in found):
        return None
    return row


class Table:
    """The groups of one impact (both rule sets) by residency (a :class:`~app.rules.decisions.Group` key and
    the applicant's residency), numbered as the chunks meet them; their figures as arrays.

    A group is looked up by one text, its six fields joined by the separator (``370811|expenditure|...``):
    hashed and compared once, a quarter of the time of a tuple of six texts fresh from a split (measured at
    a million rows: 0.6 µs a row against 2.3)."""

    def __init__(self, before, after):
        self.deciders = (before, after)
        self.numbers = _Numbers(self)           # group key -> its number
        self.rows: tuple = ([], [])
        self.recognitions: tuple = ([], [])     # ISO day of the earliest recognition that waives, or ""
        self.arrays = None

    def numbers_of(self, keys: list) -> np.ndarray:
        numbers = np.fromiter(map(self.numbers.__getitem__, keys), np.int64, len(keys))
        if self.arrays is None:
            self.arrays = [(np.array(rows, dtype=np.int64), np.array(days)) for rows, days in
                           zip(self.rows, self.recognitions)]
        return numbers

    def add(self, key: str) -> None:
        county, kind, category, area, severity, residency = key.split(SEPARATOR)
        group_key = (county, kind, category, area, severity or None)      # as row_of reads it
        for decider, rows, days in zip(self.deciders, self.rows, self.recognitions):
            group = decider.group_of(group_key)
            found = figures(group, residency)
            rows.append(found or [0] * WIDTH)
            days.append(found and group.recognition and group.recognition.isoformat() or "")
        self.arrays = None


class _Numbers(dict):
    """Group keys numbered in the order met; a new one is added to its table."""

    def __init__(self, table: Table):
        super().__init__()
        self.table = table

    def __missing__(self, key) -> int:
        number = self[key] = len(self)
        self.table.add(key)
        return number


def _whole(texts: list[str]) -> np.ndarray:
    """Texts of whole numbers below 2^63, joined by commas within a text, as one ``int64`` array: parsed in
    C by numpy (``fromstring`` with a separator: 15 ns a number, against 100 for ``int`` a text)."""
    joined = ",".join(texts)
    values = np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, np.int64)
    if len(values) != joined.count(",") + 1 and joined:
        raise ValueError("not whole numbers joined by commas")   # never from a row stored_row wrote
    return values


def _counts(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Whole-number texts as int64, and whether each is short enough to be read here."""
    short = np.ones(len(texts), bool)
    if len(max(texts, key=len)) > COUNT_DIGITS:
        short = np.fromiter(map(len, texts), np.int64, len(texts)) <= COUNT_DIGITS
        texts = [text if len(text) <= COUNT_DIGITS else "0" for text in texts]
    return _whole(texts), short


class Amounts:
    """A column of amount texts ('' for none): fen (0 for none), read here (plain: at most two decimals);
    with ``presence``, whether each is there."""

    def __init__(self, texts: list[str], presence: bool = False):
        count = len(texts)
        self.texts, self.pointed = texts, False
        self.plain = np.ones(count, bool)
        self.fen = np.zeros(count, np.int64)
        self.present = np.zeros(count, bool)
        if not any(texts):
            return
        joined = ",".join(texts)
        self.pointed = "." in joined
        if self.pointed and _THIRD_DECIMAL(joined):
            self.plain = np.fromiter((not text or bool(_PLAIN(text)) for text in texts), bool, count)
            texts = [text if plain else "" for text, plain in zip(texts, self.plain)]
        if presence:
            self.present = np.fromiter(map(bool, texts), bool, count)
        if not all(texts):
            texts = [text or "0" for text in texts]
        floats = _floats(texts)
        self.plain &= floats < 1e10        # at most ten digits before the point (a float is no less)
        self.fen = np.rint(floats * 100).astype(np.int64)    # exact: see app.rules.decisions.fen_sums

    def most_decimals(self, rows: np.ndarray) -> int:
        """The most decimals among the texts of ``rows`` (a mask): the exponent of their Decimals' sum."""
        most = 0
        if self.pointed:
            texts = self.texts
            for index in np.flatnonzero(rows).tolist():
                point = texts[index].find(".")
                if point >= 0:
                    most = max(most, len(texts[index]) - point - 1)
                    if most >= 2:                                  # a plain text has no more
                        break
        return most


def _floats(texts: list[str]) -> np.ndarray:
    """The texts (numbers, as ``float`` reads them) as float64: parsed in C by numpy in one call, or one
    by one where numpy reads the joined text otherwise (a text ``float`` takes and numpy does not)."""
    try:
        floats = np.fromstring(",".join(texts), dtype=np.float64, sep=",")
    except ValueError:
        floats = None
    if floats is None or len(floats) != len(texts):
        floats = np.fromiter(map(float, texts), np.float64, len(texts))
    return floats


class Months:
    """A column of running sums of months in fen (joined by commas): the sum of the first ``k``, as asked.

    The sums are read as one array in C, each row's from its offset. A month stored_row writes is below
    10^12 fen, so the sums of up to :data:`MONTHS_MAX` months are below 2^63; a row of more is not read here.
    """

    def __init__(self, texts: list[str]):
        count = len(texts)
        self.lengths = np.fromiter(map(_COMMAS, texts), np.int64, count) + 1
        self.readable = self.lengths <= MONTHS_MAX
        if not self.readable.all():
            texts = [text if readable else "" for text, readable in zip(texts, self.readable)]
        self.lengths[[not text for text in texts]] = 0
        self.values = _whole([text for text in texts if text])
        self.offsets = np.cumsum(self.lengths) - self.lengths

    def first(self, months: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The sums of the first ``months`` of each of ``rows`` (a mask, 0 elsewhere), and whether each was read."""
        read = rows & self.readable & (months >= 1) & (self.lengths >= months)
        at = np.where(read, self.offsets + months - 1, 0)
        return np.where(read, self.values[at] if len(self.values) else 0, 0), read | ~rows


class Chunk:
    """The columns of a chunk of stored rows (:mod:`app.rules.stored_rows`), each of FIELDS fields, or with
    ``keyed`` each led by its case's key and a separator (``C0001|1|370811|...``: its :attr:`keys`)."""

    def __init__(self, table: Table, texts: list[str], day: str, keyed: bool = False):
        count = self.count = len(texts)
        width = FIELDS + keyed
        flat = SEPARATOR.join(texts).split(SEPARATOR)
        self.keys = flat[0::width] if keyed else None
        (version, county, kind, category, area, severity, residency, size, persons, incomes, expenses, assets,
         houses, vehicles, recognised, recognised_on, cost, requested) = (flat[index::width]
                                                                          for index in range(keyed, width))
        self.groups = table.numbers_of(list(map(SEPARATOR.join, zip(county, kind, category, area, severity,
                                                                    residency))))
        (self.size, a), (self.persons, b), (self.houses, c), (self.vehicles, d) = map(
            _counts, (size, persons, houses, vehicles))
        self.recognised = _whole(recognised) == 1
        self.recognised_on = np.array(recognised_on)
        self.assets, self.cost, self.requested = Amounts(assets), Amounts(cost), Amounts(requested, presence=True)
        self.ok = (a & b & c & d & self.assets.plain & self.cost.plain & self.requested.plain
                   & (self.recognised_on <= day))                # a recognition after the day: the row path's
        if version.count(VERSION) != count:                      # a row of another version: never read here
            self.ok &= np.fromiter(map(VERSION.__eq__, version), bool, count)
        self.months = Months(incomes), Months(expenses)


class Decisions:
    """What one rule set decides of a chunk: each row's ``ok`` (decided here), eligibility, level
    (0 none, 1 township, 2 county, 3 the county's leading group), suggested fen (-1 for none), and 小额快救."""

    def __init__(self, chunk: Chunk, table: Table, which: int):
        figures_, days = table.arrays[which]
        g = chunk.groups
        rows = figures_.take(g, axis=0)            # each row's figures: one gather, then columns as views

        def column(name):
            return rows[:, name]

        ok = chunk.ok & (column(OK) == 1)
        expenditure = column(EXPENDITURE) == 1
        recognised = chunk.recognised & (column(RECOGNITION) == 1)
        ok &= ~(recognised & (chunk.recognised_on == ""))         # the engine's input error
        waived = recognised & expenditure & (chunk.recognised_on >= days[g])
        eligible = column(ALLOWED) == 1
        incomes, expenses = chunk.months
        n, m, size = column(N), column(M), chunk.size
        short = expenditure & ((incomes.lengths < column(WANTED)) | (expenses.lengths < n))
        ok &= ~short
        reading = expenditure & ok
        income_n, a = incomes.first(n, reading)
        expense_n, b = expenses.first(n, reading)
        income_m, c = incomes.first(m, reading)
        ok &= a & b & c
        means = ((income_m < column(INCOME) * size) & (chunk.assets.fen <= column(ASSETS) * size)
                 & (chunk.houses <= column(HOUSES)) & (chunk.vehicles <= column(VEHICLES)))
        eligible &= ~expenditure | ((income_n - expense_n < column(NET) * size) & (waived | means))
        requested, cost = chunk.requested, chunk.cost
        band = np.zeros(chunk.count, np.int64)
        persons = chunk.persons
        for index in range(1, BANDS_MAX):
            band[(index < column(BANDS)) & (column(STARTS + index) * persons <= cost.fen)] = index
        every = np.arange(chunk.count)
        suggested, decimals = rows[every, EACH + band] * persons, rows[every, DECIMALS + band]
        capped = (column(CAP) == 1) & (cost.fen < suggested)
        maximum = column(MAXIMUM)
        light = column(LIGHT) == 1
        asked = light & requested.present & (requested.fen <= maximum)
        self.from_cost, self.from_requested = capped & ~light, asked
        suggested = np.where(self.from_cost, cost.fen, suggested)
        suggested = np.where(light, np.where(asked, requested.fen, maximum), suggested)
        self.decimals = np.where(light, column(MAXIMUM_DECIMALS), decimals)  # where a figure of the group is chosen
        self.ok, self.eligible, self.quick, self.chunk = ok, eligible, column(QUICK) == 1, chunk
        major = column(MAJOR) == 1
        self.level = np.where(eligible, np.where(major, 3, np.where(suggested <= column(LIMIT), 1, 2)), 0)
        self.suggested = np.where(eligible & ~major, suggested, -1)

    def most_decimals(self, rows: np.ndarray) -> int:
        """The most decimals of the suggested amounts of ``rows`` (a mask), as their Decimals have them."""
        of_group = rows & ~self.from_cost & ~self.from_requested
        return max(int(self.decimals[of_group].max()) if of_group.any() else 0,
                   self.chunk.cost.most_decimals(rows & self.from_cost),
                   self.chunk.requested.most_decimals(rows & self.from_requested))


def split(texts: list[str], keyed: bool = False) -> tuple[list[str], list[int]]:
    """The texts of FIELDS fields (``keyed``: and a key before them), and the indexes of the others (the row
    path's). Their fields are then read from one split of the texts joined: every text must have them all."""
    separators = FIELDS - 1 + keyed
    if set(map(_SEPARATORS, texts)) <= {separators}:
        return texts, []
    others = [index for index, text in enumerate(texts) if _SEPARATORS(text) != separators]
    left = set(others)
    return [text for index, text in enumerate(texts) if index not in left], others


def _yuan(fen: int, decimals: int) -> Decimal:
    """``fen`` as yuan with ``decimals`` decimals (at least none), as the engine's sum of such amounts is.

    >>> _yuan(150050, 2), _yuan(150000, 0), _yuan(150000, 3)
    (Decimal('1500.50'), Decimal('1500'), Decimal('1500.000'))
    """
    return Decimal(fen).scaleb(-2).quantize(Decimal(1).scaleb(-max(decimals, 0)))


def _add(result, name: str, decisions: Decisions, rows: np.ndarray) -> None:
    if rows.any():                                  # summed as Python ints: a chunk's total may pass 2^63
        total = _yuan(sum(decisions.suggested[rows].tolist()), decisions.most_decimals(rows))
        setattr(result, name, getattr(result, name) + total)


def tally(result, before: Decisions, after: Decisions) -> tuple[list[int], list[int]]:
    """Count the rows both rule sets decide here into ``result`` (an :class:`~app.rules.impact.Impact`);
    the indexes of those whose outcome changed (the caller makes its examples), and of the rows not decided."""
    decided = before.ok & after.ok
    result.applications += int(decided.sum())
    for side, decision in (("before", before), ("after", after)):
        eligible = decision.eligible & decided
        quick = decision.quick & decided
        amounts = decided & (decision.suggested >= 0)
        setattr(result, f"eligible_{side}", getattr(result, f"eligible_{side}") + int(eligible.sum()))
        setattr(result, f"quick_{side}", getattr(result, f"quick_{side}") + int(quick.sum()))
        _add(result, f"total_{side}", decision, amounts)
        _add(result, f"quick_total_{side}", decision, quick & amounts)
    eligibility = (before.eligible != after.eligible) & decided
    level = (before.level != after.level) & decided
    amount = (before.suggested != after.suggested) & decided
    changed = eligibility | level | amount
    result.changed_eligibility += int(eligibility.sum())
    result.changed_level += int(level.sum())
    result.changed_amount += int(amount.sum())
    result.changed += int(changed.sum())
    return np.flatnonzero(changed).tolist(), np.flatnonzero(~decided).tolist()
