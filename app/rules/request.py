"""The parsed form of an evaluation's input, shared by the general checker (:mod:`app.rules.inputs`)
and its fast path (:mod:`app.rules.fastinput`), which must build exactly the same thing."""
from __future__ import annotations

import re
from datetime import timedelta, timezone

CST = timezone(timedelta(hours=8))
FIRST_YEAR, LAST_YEAR = 1900, 2999  # keeps every deadline computation inside the calendar
TOP_FIELDS = ("county", "kind", "category", "application_date", "residency", "area", "household", "cost",
              "beneficiaries", "severity", "requested_amount", "accepted_on", "reported_at", "pre_assisted_on")
HOUSEHOLD_FIELDS = ("size", "monthly_income", "monthly_necessary_expenses", "financial_assets", "houses",
                    "vehicles", "dibao", "tekun", "dibao_edge", "rigid_expense", "recognised_on")
KINDS = ("expenditure", "emergency")
RESIDENCIES = ("local_hukou", "residence_permit", "none")
AREAS = ("urban", "rural")
SEVERITIES = ("light", "heavy", "major")
EXPENDITURE_REQUIRED = ("monthly_income", "monthly_necessary_expenses", "financial_assets", "houses", "vehicles")

REQUIRED_FIELDS = ("county", "kind", "category", "application_date", "residency", "area", "household")
_TOP = frozenset(TOP_FIELDS)
_REQUIRED = frozenset(REQUIRED_FIELDS)
_HOUSEHOLD = frozenset(HOUSEHOLD_FIELDS)
_MONEY = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,6})?").fullmatch
#: a whole list of non-negative amounts joined by commas, checked by one match (see :func:`money_list`)
_MONEY_JOINED = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,6})?(?:,[0-9]{1,15}(?:\.[0-9]{1,6})?)*").fullmatch
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
_COUNTY = re.compile(r"[0-9]{6}").fullmatch
_CATEGORY = re.compile(r"([a-z]+):(.+)").fullmatch


class Request:
    """A checked input: the values the engine needs, parsed (money as Decimal, dates as dates)."""

    __slots__ = ("county", "kind", "category", "category_kind", "application_date", "application_text",
                 "residency", "area", "size", "incomes", "expenses", "financial_assets", "houses", "vehicles",
                 "dibao", "tekun", "dibao_edge", "rigid_expense", "recognised_on", "cost", "beneficiaries",
                 "severity", "requested", "accepted_on", "reported_at", "pre_assisted_on")

    def fields(self) -> tuple:
        """Every slot's value, in order (what the fast path's agreement test compares)."""
        return tuple(getattr(self, name) for name in self.__slots__)
