"""The decision row of an application, read once when the case is saved and stored beside its input.

The impact of a rule change decides a year of stored applications (:mod:`app.rules.impact`). Reading
each one's JSON and checking it field by field (:func:`app.rules.decisions.read_row`) was two thirds
of the time an application took there; the checks do not depend on the rules, so they are made once,
when the input is stored, and what they found is kept as one short text (``Case.decision_row``) that
splits straight back into the :class:`~app.rules.decisions.Row`:

>>> data = {"county": "370811", "kind": "emergency", "category": "incident:fire", "residency": "local_hukou",
...         "area": "urban", "severity": "light", "household": {"size": 2}, "application_date": "2026-05-01"}
>>> text = stored_row(data)
>>> text
'1|370811|emergency|incident:fire|urban|light|local_hukou|2|1||||0|0|0|||'
>>> row_of(text, date(2027, 1, 1)) == read_row(data, date(2027, 1, 1))
True

Only the plain application has one (``None`` for any other: the impact then reads its input the
usual way). The text begins with :data:`VERSION`; a text of another version is not read (``None``), so
a change of the format needs a migration that writes the rows anew, never a wrong decision. The one
check that depends on the day decided on (a recognition date after it) is made as the row is read.
Pure: no Flask, no database.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.rules.decisions import Row, read_row

VERSION = "1"  # raise it (and write the rows again) when the checks accept less: tests.rules.test_stored_rows
FIELDS = 18  # the version and Row's 17 fields
SEPARATOR = "|"


def stored_row(data) -> str | None:
    """The decision row of an engine input as stored text, or None when it is not a plain application."""
    row = read_row(data, date.max)            # the recognition date is checked against the day when read
    if row is None or SEPARATOR in row.county or SEPARATOR in row.category:
        return None
    return SEPARATOR.join((
        VERSION, row.county, row.kind, row.category, row.area, row.severity or "", row.residency,
        str(row.size), str(row.persons), _sums(row.incomes), _sums(row.expenses), _text(row.assets),
        str(row.houses), str(row.vehicles), "1" if row.recognised else "0",
        "" if row.recognised_on is None else row.recognised_on.isoformat(), _text(row.cost), _text(row.requested)))


def row_of(text: str, day: date) -> Row | None:
    """The :class:`Row` a stored text holds, for a decision on ``day``; None for a text of another
    version and for a recognition after ``day`` (as :func:`read_row` says: the usual way)."""
    f = text.split(SEPARATOR)
    if f[0] != VERSION or len(f) != FIELDS:
        return None
    recognised_on = f[15]
    if recognised_on:
        recognised_on = date.fromisoformat(recognised_on)
        if recognised_on > day:
            return None
    else:
        recognised_on = None
    incomes, expenses, assets, cost, requested = f[9], f[10], f[11], f[16], f[17]
    return Row(f[1], f[2], f[3], f[4], f[5] or None, f[6], int(f[7]), int(f[8]),
               incomes.split(",") if incomes else None, expenses.split(",") if expenses else None,
               Decimal(assets) if assets else None, int(f[12]), int(f[13]), f[14] == "1", recognised_on,
               Decimal(cost) if cost else None, Decimal(requested) if requested else None)


def _sums(sums: list | None) -> str:
    return "" if sums is None else ",".join(map(str, sums))


def _text(amount: Decimal | None) -> str:
    return "" if amount is None else str(amount)   # str(Decimal(text)) is the text: read back, the same Decimal
