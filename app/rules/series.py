"""Values that change over time, and where each value came from.

Every leaf of a rule file is either a plain value (in force on every date) or a dated series (a
mapping whose keys are all dates; the value in force on day D is the one with the latest key on or
before D). Both are kept with the file and line they were written on, because every check the
engine reports names the ``file:line`` of the value it applied.
"""
from __future__ import annotations

import bisect
import re
from datetime import date

_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def parse_date(text) -> date | None:
    """A ``YYYY-MM-DD`` text that names a real day, else None (``2019-13-01`` is None)."""
    if not isinstance(text, str) or not _DATE_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class Val:
    """A value written once: the value, and the file and 1-based line it was written on."""

    __slots__ = ("value", "file", "line", "column", "source")

    def __init__(self, value, file: str, line: int, column: int = 1):
        self.value = value
        self.file = file
        self.line = line
        self.column = column
        self.source = f"{file}:{line}"

    def __repr__(self) -> str:
        return f"Val({self.value!r} @ {self.source})"

    @property
    def dates(self) -> tuple:
        return ()

    def at(self, day: date) -> "Val | None":
        """The value in force on ``day``: a plain value is in force on every day."""
        return self

    def entries(self):
        """Every value written, with the date it starts (None for a plain value)."""
        return [(None, self)]


class Series:
    """A dated series: entries ``(start date, Val)`` sorted by date."""

    __slots__ = ("items", "dates", "file", "line")

    def __init__(self, items, file: str, line: int):
        self.items = sorted(items, key=lambda item: item[0])
        self.dates = tuple(start for start, _ in self.items)
        self.file = file
        self.line = line

    def __repr__(self) -> str:
        return f"Series({self.items!r})"

    def at(self, day: date) -> Val | None:
        """The entry with the latest date on or before ``day``; None before the first date."""
        index = bisect.bisect_right(self.dates, day)
        return self.items[index - 1][1] if index else None

    def start_of(self, day: date) -> date | None:
        index = bisect.bisect_right(self.dates, day)
        return self.dates[index - 1] if index else None

    def entries(self):
        return list(self.items)


def is_leaf(obj) -> bool:
    return isinstance(obj, (Val, Series))
