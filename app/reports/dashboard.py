"""One dashboard: the figures of an area and period, the breakdown one level down, by kind and by category,
the monthly trend and the 绩效目标表 — everything a page or a workbook shows, assembled once.

The figures come from :mod:`app.reports.indicators` over the grain the summary tables give
(:mod:`app.reports.summary`: a few dozen rows, whatever the size, identical to the rows' own figures);
the targets, points and the suppression threshold from the rule files' ``performance`` section.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from app.models import Region
from app.reports import suppress
from app.reports.area import Area, Period, ancestors, children
from app.reports.summary import collect
from app.reports.indicators import complete, figures
from app.reports.trend import Month, trend
from app.rules.performance import INDICATORS, score


@dataclass
class TargetRow:
    indicator: str
    target: Decimal | None  # per cent
    actual: Decimal | None  # fraction
    points: Decimal | None
    score: Decimal | None


@dataclass
class Dashboard:
    area: Area
    period: Period
    totals: dict
    rows: list[tuple[Region, dict]]
    kinds: dict[str, dict]
    #: ``<kind>:<code>`` of the rule files (illness, incident …) → figures; the categories with cases, in code order
    categories: dict[str, dict]
    months: list[Month]
    targets: list[TargetRow]
    path: list[Region] = field(default_factory=list)
    threshold: int | None = None
    suppressed: bool = False


def _performance(rules, session: Session, area: Area, day: dt.date) -> dict:
    """The ``performance`` section in force for the area: its county's, or for the whole city the city
    file's own values (a county's override does not speak for the city)."""
    codes = rules.counties()
    if not codes:
        return {}
    if area.level == "city":
        county = rules.county(codes[0])
        section = rules.effective(codes[0], day).get("performance", {})
        return _only_from(section, county.city_file)
    county_id = area.region_id if area.level == "county" else session.get(Region, area.region_id).parent_id
    code = session.get(Region, county_id).code
    if rules.county(code) is None:
        return {}
    return rules.effective(code, day).get("performance", {})


def _only_from(section: dict, file: str) -> dict:
    out = {}
    for key, node in section.items():
        if isinstance(node, dict) and "value" not in node:
            out[key] = _only_from(node, file)
        elif isinstance(node, dict) and str(node.get("source", "")).startswith(file):
            out[key] = node
    return out


def _value(section: dict, *path):
    node = section
    for part in path:
        node = node.get(part, {}) if isinstance(node, dict) else {}
    value = node.get("value") if isinstance(node, dict) else None
    return Decimal(str(value)) if value is not None else None


def target_rows(section: dict, totals: dict) -> list[TargetRow]:
    rows = []
    for name in INDICATORS:
        target, points = _value(section, "targets", name), _value(section, "points", name)
        actual = totals.get(name)
        rows.append(TargetRow(name, target, actual, points, score(actual, target, points)))
    return rows


def build(session: Session, area: Area, period: Period, now: dt.datetime, rules, viewer_sees_personal: bool,
          export: bool = False) -> Dashboard:
    grain = collect(session, area, period, now, rules)  # the summary (and the rows it lacks); the views add it up
    totals = complete(figures(session, area, period, now, rules, grain=grain).get(None, {}))
    section = _performance(rules, session, area, period.end)
    threshold = _value(section, "suppress_below")
    threshold = int(threshold) if threshold is not None else None
    hide = suppress.applies(area.level, export, viewer_sees_personal)
    by_region = figures(session, area, period, now, rules, group="region", grain=grain)
    rows = []
    for region in children(session, area):
        values = complete(by_region.get(region.id, {}))
        rows.append((region, suppress.suppress_row(values, threshold) if hide else values))
    by_kind = figures(session, area, period, now, rules, group="kind", grain=grain)
    kinds = {kind: complete(by_kind.get(kind, {}), "kind") for kind in ("emergency", "expenditure")}
    by_category = figures(session, area, period, now, rules, group="category", grain=grain)
    categories = {category: complete(by_category[category], "category") for category in sorted(by_category)}
    if hide:
        kinds = {kind: suppress.suppress_row(values, threshold) for kind, values in kinds.items()}
        categories = {name: suppress.suppress_row(values, threshold) for name, values in categories.items()}
    return Dashboard(area, period, totals, rows, kinds, categories, trend(session, area, period.end),
                     target_rows(section, totals), ancestors(session, area), threshold, hide)
