"""How the dashboards write a figure (pages and workbooks) and which case list each figure links to."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from flask import url_for
from flask_babel import gettext as _

from app.reports.area import Area, Period
from app.reports.indicators import RATES
from app.reports.suppress import Hidden
from app.views.trail_text import money

DAYS = ("median_days_to_payment",)
TIMES = ("aid_dibao_multiple",)


def figure_text(name: str, value) -> str:
    """A figure as a user reads it: 66.7%, 1,800.00, 2.5 days, 1.42 times, 7 — "—" when there is none."""
    if value is None:
        return "—"
    if isinstance(value, Hidden):
        return str(value)
    if name in RATES:
        return f"{Decimal(value) * 100:.1f}%"
    if name in DAYS:
        return _("%(n)s days", n=value)
    if name in TIMES:
        return _("%(n)s times", n=value)
    if isinstance(value, Decimal):
        return money(value)
    return str(value)


def figure_cell(name: str, value):
    """A figure for a workbook cell: counts and money as numbers, rates as per cent numbers."""
    if value is None:
        return ""
    if isinstance(value, Hidden):
        return str(value)
    if name in RATES:
        return (Decimal(value) * 100).quantize(Decimal("0.01"))
    return value


def _region_filters(area: Area) -> dict:
    if area.level == "county":
        return {"_flt_0_county": area.region_id}
    if area.level == "township":
        return {"_flt_0_township": area.region_id}
    return {}


def cases_link(area: Area, period: Period, kind: str | None = None) -> str:
    """The case list filtered to the area and the period's application dates (and the kind)."""
    query = {**_region_filters(area),
             "_flt_1_application_date": (period.start - dt.timedelta(days=1)).isoformat(),
             "_flt_2_application_date": (period.end + dt.timedelta(days=1)).isoformat()}
    if kind:
        query["_flt_3_kind"] = kind
    return f"{url_for('CaseView.list')}?{urlencode(query)}"


def overdue_link(area: Area) -> str:
    """The list of cases due soon and overdue, of the area."""
    query = _region_filters(area)
    return url_for("DueCaseView.list") + (f"?{urlencode(query)}" if query else "")


def figure_link(name: str, area: Area, period: Period) -> str | None:
    """Where a figure's cases are listed (None: the figure is not of cases, e.g. money of the funds)."""
    if name == "overdue_now":
        return overdue_link(area)
    if name in ("emergency_cases", "emergency_share", "pre_assist_due_rate", "registration_due_rate",
                "quick_due_rate"):
        return cases_link(area, period, "emergency")
    if name == "decision_due_rate":
        return cases_link(area, period, "expenditure")
    if name in ("cases", "aided_cases", "aided_persons", "passing_aided", "approved_amount", "repeat_aid",
                "median_days_to_payment", "aid_dibao_multiple"):
        return cases_link(area, period)
    return None
