"""Recognised households (2026 opinion, 三): a household already recognised (认定) as dibao, 低保边缘 or
刚性支出 is checked only for its necessary spending for ``eligibility.expenditure.recognised_months``
after its recognition — its income and assets are not checked again (``spec/policy-2026.md``).

The period is counted in calendar months back from the application date, the same day of the month
counting as within; a day the earlier month does not have falls to its last day (2026-03-31 minus one
month is 2026-02-28), so a recognition is never "within" for longer than the months say.
"""
from __future__ import annotations

import calendar
from datetime import date

#: the checks a recognised household is spared, in the order the verdict lists them
WAIVED_CHECKS = ("income", "financial_assets", "houses", "vehicles")
WAIVED = "recognised"


def months_before(day: date, months: int) -> date:
    """``day`` minus ``months`` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recognised(req) -> bool:
    """Whether the household holds one of the statuses the waiver and the posting concern."""
    return req.dibao or req.dibao_edge or req.rigid_expense


def within(recognised_on: date, application_date: date, months: int) -> bool:
    """Whether a recognition on ``recognised_on`` is at most ``months`` months before the application."""
    return recognised_on >= months_before(application_date, months)
