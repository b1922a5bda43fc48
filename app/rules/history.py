"""History is never rewritten: what a rule change would alter on days that have already come.

A county's parameters only change on the dates its series name, so comparing two rule sets on each of
those dates (up to today) and on the first day an application may be dated (1 January 1900, where a
plain value and a series starting that day are the same) covers every day up to today. Sources (file and
line) are not compared: a save moves lines, not values. Categories, their documents and the city's
bounds are not dated in the format (``spec/rules-format.md``) and change as of the save; they are not
history here.

A revert, on 31 January 2027, of a raise in force since 1 January::

    rewritten(old, new, ["370811"], date(2027, 1, 31))
    → [Rewrite(county='370811', path='standards.dibao_monthly.urban', day=datetime.date(2027, 1, 1))]
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from app.rules.inputs import FIRST_YEAR

FIRST_DAY = date(FIRST_YEAR, 1, 1)


class Rewrite(NamedTuple):
    """The first day up to today on which ``path`` of ``county`` would be in force with another value."""

    county: str
    path: str
    day: date


def _plain(val):
    """A value as the engine uses it, without where it was written (tier rows by start and multiple)."""
    if val is None:
        return None
    value = val.value
    if isinstance(value, tuple) and value and hasattr(value[0], "multiplier"):
        return tuple((row.start, row.multiplier) for row in value)
    return value


def rewritten(old, new, counties, today: date) -> list[Rewrite]:
    """Every parameter of ``counties`` that ``new`` would give another value than ``old`` on some day up
    to ``today`` — each named once, with the first such day. A county new or gone is not compared."""
    found: list[Rewrite] = []
    for code in counties:
        before, after = old.county(code), new.county(code)
        if before is None or after is None:
            continue
        days = sorted({FIRST_DAY, *(d for d in (*before.dates, *after.dates) if FIRST_DAY <= d <= today)})
        named: set[str] = set()
        for day in days:
            then, now = before.params(day), after.params(day)
            for path in sorted(then.keys() | now.keys()):
                if path not in named and _plain(then.get(path)) != _plain(now.get(path)):
                    named.add(path)
                    found.append(Rewrite(code, path, day))
    return found
