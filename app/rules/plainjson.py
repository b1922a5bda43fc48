"""A plain application's JSON text read straight into whole fen: the first step of the fast verdict.

:func:`~app.rules.fastinput.quick_parse` checks a dict that a JSON parser has already built, field by
field in Python. Here msgspec decodes the text into typed structs in C, so the types, the vocabularies
of kind, residency, area and severity, and unknown or missing fields are checked in the decoding itself;
what is left in Python is the few checks a type cannot say (a size of at least 1, dates in the calendar's
years, a recognition not after the application).

Every amount is read in whole fen (1/100 yuan). The amounts of a line are checked together, as one text:
only digits, dots and commas; no more than two decimals; JSON's number grammar (no ``1.``, ``.5`` or
``01``); as many numbers as texts; each below 10^10 yuan. Then C turns them into floats, which is exact
here. Each text is ``k / 100`` yuan below 10^10, so its float is within 1.1e-6 yuan of it, and
``round(float * 100)`` is ``k``. ``math.fsum`` of at most 1,000 of them is their floats' exact sum rounded
once (within 1.1e-3 yuan, the sum being below 10^13), so within 2.2e-3 yuan of the amounts' sum; ×100
rounds once more (within 0.11 fen), and ``round`` gives the sum's exact fen, the error being under 0.34
fen. Anything out of the ordinary — three decimals, an amount written ``"01"``, a float where an
integer belongs — makes :func:`read_plain` answer None, and the caller takes the general path, which
accepts or words the error as it always did. What it accepts is a subset of what the general checker
accepts, with the same values (``tests/rules/test_plain_json.py``).

Example::

    >>> amount_lists([Raw(b'["0.1", "0.2"]'), Raw(b'["1200.05"]')])
    ([0.1, 0.2, 1200.05], [2, 1])
    >>> Plain.fen_sum([0.1, 0.2, 1200.05], 3)   # the first three months, in fen
    120035
    >>> amount_lists([Raw(b'["0.1", 0.2]')]) is None   # a month not written as a text
    True
"""
from __future__ import annotations

import re
from datetime import date, datetime
from itertools import repeat
from math import fsum
from typing import ClassVar, Literal

import msgspec
from msgspec import UNSET, Raw, Struct, UnsetType

from app.rules.fastinput import _category_kind, _day, _moment, plain_county
from app.rules.request import CST, HOUSEHOLD_FIELDS, TOP_FIELDS

FEN_LIMIT = 10 ** 12   # fen: amounts this path reads are below 10^10 yuan (the module's exactness argument)
MONTHS_MAX = 1000      # the most months :meth:`Plain.fen_sum` adds (the same argument)
_THREE_DECIMALS = re.compile(rb"\.[0-9]{3}").search


class Household(Struct, forbid_unknown_fields=True, gc=False):
    """An emergency's household as the spec names its fields; an absent field is UNSET, never ``null``.
    The months are kept as their raw JSON (one object, not a string per month: :func:`amount_lists` reads
    them); no struct here can take part in a reference cycle, so none is tracked by the collector."""

    size: int
    monthly_income: Raw | UnsetType = UNSET
    monthly_necessary_expenses: Raw | UnsetType = UNSET
    financial_assets: str | UnsetType = UNSET
    houses: int | UnsetType = UNSET
    vehicles: int | UnsetType = UNSET
    dibao: bool = False
    tekun: bool = False
    dibao_edge: bool = False
    rigid_expense: bool = False
    recognised_on: str | UnsetType = UNSET


class ExpenditureHousehold(Household, kw_only=True):
    """An expenditure's household: its income, spending and assets are required."""

    monthly_income: Raw
    monthly_necessary_expenses: Raw
    financial_assets: str
    houses: int
    vehicles: int


class _Application(Struct, forbid_unknown_fields=True, tag_field="kind", kw_only=True, gc=False):
    """An application's fields (``spec/evaluation.md``); dates and amounts stay texts until checked. The
    kind is the tag that picks :class:`Expenditure` or :class:`Emergency`."""

    county: str
    category: str
    application_date: str
    residency: Literal["local_hukou", "residence_permit", "none"]
    area: Literal["urban", "rural"]
    beneficiaries: int = 1
    requested_amount: str | UnsetType = UNSET
    accepted_on: str | UnsetType = UNSET
    reported_at: str | UnsetType = UNSET
    pre_assisted_on: str | UnsetType = UNSET


class Expenditure(_Application, tag="expenditure"):
    kind: ClassVar[str] = "expenditure"
    household: ExpenditureHousehold
    cost: str
    severity: Literal["major"] | UnsetType = UNSET


class Emergency(_Application, tag="emergency"):
    kind: ClassVar[str] = "emergency"
    household: Household
    severity: Literal["light", "heavy", "major"]
    cost: str | UnsetType = UNSET


for _struct in (Expenditure, Emergency):
    assert {*_struct.__struct_fields__, "kind"} == {*TOP_FIELDS}, _struct
assert {*ExpenditureHousehold.__struct_fields__} == {*Household.__struct_fields__} == {*HOUSEHOLD_FIELDS}

#: a line's :class:`Expenditure` or :class:`Emergency`; raises msgspec.DecodeError for anything else
decode = msgspec.json.Decoder(Expenditure | Emergency).decode
_FLOATS = msgspec.json.Decoder(list[float]).decode


class Plain:
    """A checked plain application: the names of :class:`~app.rules.request.Request` the verdict reads,
    amounts in fen (``incomes`` and ``expenses`` as floats in yuan: :meth:`fen_sum` of the first months)."""

    __slots__ = ("county", "kind", "category", "category_kind", "application_date", "application_text",
                 "residency", "area", "size", "incomes", "expenses", "financial_assets", "houses", "vehicles",
                 "dibao", "tekun", "dibao_edge", "rigid_expense", "recognised_on", "cost", "beneficiaries",
                 "severity", "requested", "accepted_on", "reported_at", "reported_text", "pre_assisted_on")

    @staticmethod
    def fen_sum(amounts: list[float], months: int) -> int:
        """The exact sum in fen of the first ``months`` amounts, ``months`` at most :data:`MONTHS_MAX`
        (the module says why floats may be used)."""
        return round(fsum(amounts[:months]) * 100)


def amount_texts(texts: list[str]) -> list[float] | None:
    """The amounts of ``texts`` in yuan, as floats, when every one is plain (the module's checks); else None."""
    joined = ",".join(texts)
    if not joined.isascii():
        return None
    joined = joined.encode()
    if joined.translate(None, b"0123456789.,") or _THREE_DECIMALS(joined):
        return None
    return _floats(joined, len(texts))


def amount_lists(raws: list) -> tuple[list[float], list[int]] | None:
    """The amounts of raw JSON lists of amount texts, one flat list of floats in yuan, and each list's
    length; None unless every list is a non-empty list of plain amount texts written ``["1", "2.5"]`` (a
    space only after a comma).

    The lists are checked together, as one text: each starts with its only ``[`` and ends with its only
    ``]``; nothing but digits, dots, commas, quotes and those spaces; no empty text, no third decimal.
    Without the quotes and brackets, what is left must be JSON numbers, as many as the quotes' pairs: a
    number that was not quoted, or a text holding a comma, would make more."""
    raws = list(map(bytes, raws))
    joined = b",".join(raws)
    count = len(raws)
    if (joined.translate(None, b'0123456789.,"[] ') or b'""' in joined or _THREE_DECIMALS(joined)
            or joined.count(b" ") != joined.count(b", ") or joined.count(b"[") != count
            or joined.count(b"]") != count or not all(map(bytes.startswith, raws, repeat(b"[")))
            or not all(map(bytes.endswith, raws, repeat(b"]")))):
        return None
    lengths = [quotes // 2 for quotes in map(bytes.count, raws, repeat(b'"'))]
    if 0 in lengths:
        return None
    values = _floats(joined.translate(None, b'"[]'), sum(lengths))
    return None if values is None else (values, lengths)


def _floats(joined: bytes, count: int) -> list[float] | None:
    """The ``count`` JSON numbers of ``joined`` (separated by commas), each below the fen limit; else None."""
    try:
        values = _FLOATS(b"[" + joined + b"]")
    except msgspec.DecodeError:
        return None
    if len(values) != count or (values and max(values) * 100 >= FEN_LIMIT):
        return None
    return values


def read_plain(text) -> Plain | None:  # noqa: C901 - one straight pass is the point
    """The :class:`Plain` of a JSON text (``str`` or UTF-8 ``bytes``) this path reads; else None."""
    try:
        app = decode(text)
    except (msgspec.DecodeError, UnicodeEncodeError):  # a str holding a lone surrogate: json reads it
        return None
    household = app.household
    size, severity = household.size, app.severity
    if size < 1 or not 1 <= app.beneficiaries <= size or not plain_county(app.county):
        return None
    category_kind = _category_kind(app.category)
    applied = _day(app.application_date)
    if category_kind is None or applied is None:
        return None
    incomes, expenses = household.monthly_income, household.monthly_necessary_expenses
    assets, houses, vehicles = household.financial_assets, household.houses, household.vehicles
    cost, requested = app.cost, app.requested_amount
    if severity == "heavy" and cost is UNSET:
        return None
    if (houses is not UNSET and houses < 0) or (vehicles is not UNSET and vehicles < 0):
        return None
    plain = _without_amounts(app, household, applied, category_kind)
    if plain is None:
        return None
    lists = [raw for raw in (incomes, expenses) if raw is not UNSET]
    months = amount_lists(lists) if lists else ([], [])
    singles = [value for value in (assets, cost, requested) if value is not UNSET]
    single = amount_texts(singles) if singles else []
    if months is None or single is None:
        return None
    values, lengths = months
    plain.incomes = values[:lengths[0]] if incomes is not UNSET else None
    plain.expenses = values[len(values) - lengths[-1]:] if expenses is not UNSET else None
    single = iter(single)
    plain.financial_assets = None if assets is UNSET else round(next(single) * 100)
    plain.cost = None if cost is UNSET else round(next(single) * 100)
    plain.requested = None if requested is UNSET else round(next(single) * 100)
    return plain


def _without_amounts(app: Expenditure | Emergency, household: Household, applied: date,
                     category_kind: str) -> Plain | None:
    """The :class:`Plain` of ``app`` but its amounts (all None), or None where a date is not plain."""
    plain = Plain()
    plain.county, plain.kind, plain.category, plain.category_kind = app.county, app.kind, app.category, category_kind
    plain.application_date, plain.application_text = applied, app.application_date
    plain.residency, plain.area, plain.size = app.residency, app.area, household.size
    plain.severity = None if app.severity is UNSET else app.severity
    plain.houses = None if household.houses is UNSET else household.houses
    plain.vehicles = None if household.vehicles is UNSET else household.vehicles
    plain.dibao, plain.tekun = household.dibao, household.tekun
    plain.dibao_edge, plain.rigid_expense = household.dibao_edge, household.rigid_expense
    plain.beneficiaries = app.beneficiaries
    plain.recognised_on = None
    if household.recognised_on is not UNSET:
        plain.recognised_on = _day(household.recognised_on)
        if plain.recognised_on is None or plain.recognised_on > applied:
            return None
    plain.accepted_on = applied if app.accepted_on is UNSET else _day(app.accepted_on)
    if plain.accepted_on is None:
        return None
    if app.reported_at is UNSET:
        plain.reported_text = None
        plain.reported_at = datetime(applied.year, applied.month, applied.day, tzinfo=CST)
        local = applied
    else:
        plain.reported_text = app.reported_at
        if (reported := _moment(app.reported_at)) is None:
            return None
        plain.reported_at = reported
        local = reported.astimezone(CST).date()
    plain.pre_assisted_on = local if app.pre_assisted_on is UNSET else _day(app.pre_assisted_on)
    if plain.pre_assisted_on is None:
        return None
    return plain
