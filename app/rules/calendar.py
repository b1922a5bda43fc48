"""Working days: calendar.yaml first, then the chinese-calendar package, then Monday to Friday.

Deadlines are counted in working days of the official calendar, adjusted working days (调休) included.
The package only knows the years whose schedule the State Council had published when it was released
(2004–2026 for 1.11.0; it raises ``NotImplementedError`` beyond). ``rules/calendar.yaml`` fills the gap:
a year listed there is the whole truth for that year. A year neither knows counts Monday to Friday, and
every result computed across it carries the warning ``calendar_unverified:<year>`` so a caseworker
knows the date may move once the schedule is published.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=None)
def package_knows(year: int) -> bool:
    """Whether chinese-calendar holds the official schedule of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


class WorkCalendar:
    """Working days from ``years`` (calendar.yaml: ``{year: (holidays, workdays)}``) and the package."""

    def __init__(self, years: dict | None = None, digest: str = ""):
        self.years = dict(years or {})
        self.digest = digest
        self.add_working_days = lru_cache(maxsize=65536)(self._add_working_days)
        self.is_workday = lru_cache(maxsize=65536)(self._is_workday)

    def source_of(self, year: int) -> str:
        """``calendar.yaml``, ``chinese-calendar`` or ``weekdays`` (unverified)."""
        if year in self.years:
            return "calendar.yaml"
        if package_knows(year):
            return "chinese-calendar"
        return "weekdays"

    def verified(self, year: int) -> bool:
        return year in self.years or package_knows(year)

    def _is_workday(self, day: date) -> bool:
        listed = self.years.get(day.year)
        if listed is not None:
            holidays, workdays = listed
            return day in workdays or (day.weekday() < 5 and day not in holidays)
        if package_knows(day.year):
            return chinese_calendar.is_workday(day)
        return day.weekday() < 5

    def _add_working_days(self, start: date, count: int) -> tuple[date, tuple[str, ...]]:
        """The ``count``-th working day strictly after ``start``, and the warnings for unverified years.

        Every day examined counts as "crossed": a deadline that walks through an unknown year is
        unverified even when it ends before the year's first holiday could have mattered.
        """
        day = start
        unverified: set[int] = set()
        remaining = count
        while remaining > 0:
            day += ONE_DAY
            if not self.verified(day.year):
                unverified.add(day.year)
            if self.is_workday(day):
                remaining -= 1
        return day, tuple(f"calendar_unverified:{year}" for year in sorted(unverified))
