"""Every figure of the dashboards against a month worked out by hand (indicator_cases.yaml): cases on
either side of each clock (to the second), a reversal, referrals inside and outside the period, a case
of another county, a case before the period, a repeat within the county's period."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Region
from app.reports.area import Area, Period
from app.reports.indicators import ALL, complete, figures
from tests.payment_support import user
from tests.reports.builder import build, load, moment

TABLE = load()


def _expect(found: dict, expected: dict, where: str):
    for name, value in expected.items():
        assert name in ALL, name
        got = found.get(name)
        if value is None:
            assert got is None, f"{where} {name}: {got!r}"
        elif isinstance(value, int):
            assert got == value, f"{where} {name}: {got!r} ≠ {value}"
        else:
            assert got == Decimal(value), f"{where} {name}: {got!r} ≠ {value}"


@pytest.fixture()
def month(app, session, rules):
    built = build(session, user(app, "township_caseworker_370811"), TABLE)
    county = session.scalar(select(Region).where(Region.code == "370811"))
    period = Period(*(dt.date.fromisoformat(d) for d in TABLE["period"]))
    return built, Area("county", county.id, county.name), period, moment(TABLE["now"])


def test_the_county_totals_are_the_hand_computed_ones(session, rules, month):
    _, area, period, now = month
    totals = complete(figures(session, area, period, now, rules)[None])
    _expect(totals, TABLE["expected"]["total"], "total")


def test_the_breakdown_one_level_down_gives_each_township_its_own(session, rules, month):
    built, area, period, now = month
    rows = figures(session, area, period, now, rules, group="region")
    for label in ("T1", "T2"):
        _expect(complete(rows.get(built["townships"][label].id, {})), TABLE["expected"][label], label)


def test_by_kind(session, rules, month):
    _, area, period, now = month
    rows = figures(session, area, period, now, rules, group="kind")
    for kind in ("emergency", "expenditure"):
        _expect(complete(rows[kind], "kind"), TABLE["expected"][kind], kind)
    assert complete(rows["emergency"], "kind")["referrals_made"] is None, "referrals carry no kind: not shown by kind"


def test_by_category_beside_by_kind(session, rules, month):
    _, area, period, now = month
    rows = figures(session, area, period, now, rules, group="category")
    assert sorted(rows) == sorted(TABLE["expected"]["categories"]), "every category with cases, no other"
    for category, expected in TABLE["expected"]["categories"].items():
        _expect(complete(rows[category], "category"), expected, category)
    kinds = figures(session, area, period, now, rules, group="kind")
    for name in ("cases", "aided_cases", "aided_persons", "approved_amount", "overdue_now", "repeat_aid"):
        assert sum(complete(v)[name] for v in rows.values()) == sum(complete(v)[name] for v in kinds.values()), name


def test_the_city_sees_every_county_and_the_township_sums_make_the_county(session, rules, month):
    built, area, period, now = month
    by_county = figures(session, Area("city", None), period, now, rules, group="region")
    codes = dict(session.execute(select(Region.code, Region.id).where(Region.level == "county")).all())
    for code, expected in TABLE["expected"]["city"].items():
        _expect(complete(by_county.get(codes[code], {})), expected, code)
    towns = figures(session, area, period, now, rules, group="region")
    total = complete(figures(session, area, period, now, rules)[None])
    for name in ("cases", "aided_cases", "aided_persons", "paid_total", "approved_amount", "overdue_now"):
        assert sum(complete(v)[name] for v in towns.values()) == total[name], name


def test_a_township_sees_only_itself(session, rules, month):
    built, _, period, now = month
    town = built["townships"]["T2"]
    rows = figures(session, Area("township", town.id, town.name), period, now, rules)
    _expect(complete(rows[None]), TABLE["expected"]["T2"], "T2 alone")
    assert figures(session, Area("township", town.id), period, now, rules, group="region") == {}


def test_a_period_before_anything_counts_nothing(session, rules, month):
    _, area, _, now = month
    empty = complete(figures(session, area, Period(dt.date(2020, 1, 1), dt.date(2020, 1, 31)), now, rules)[None])
    assert empty["cases"] == 0 and empty["paid_total"] == Decimal("0.00")
    assert empty["decision_due_rate"] is None and empty["bank_share"] is None
    assert empty["overdue_now"] == 1, "overdue now is of now, whatever the period"
