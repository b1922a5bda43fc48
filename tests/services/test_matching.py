"""Matching needs with resources: the projects that fit a referral, ranked; the referrals that fit a charity."""
from __future__ import annotations

import datetime as dt

import pytest

from app.models.audit import utcnow
from app.services.charities import charity_for_region
from app.services.matching import projects_for, referrals_for
from app.services.referrals import claim, refer
from tests.charity_support import charity_staff, make_case, make_project, region, user


def _refer(app, session, rules, category=None, county="370811", gap="3000", at=None):
    case = make_case(app, session, rules, county=county, approved=False)
    referral = refer(session, case, user(app, f"township_caseworker_{county}"), "缺口", gap_money=gap, now=at)
    if category:
        referral.category, referral.category_kind = category, category.split(":")[0]
        session.flush()
    return referral


@pytest.fixture()
def referral(app, session, rules):
    return _refer(app, session, rules)


def test_projects_are_ranked_by_category_then_region_then_budget(app, session, referral):
    city_charity = charity_for_region(session, region(session, "370800"))
    county_charity = charity_staff(app).charity
    town = referral.township.code
    any_city = make_project(session, city_charity, "全市救急难", "50000", (), ("370800",))
    kind_county = make_project(session, county_charity, "大病（县）", "10000", ("illness",), ("370811",))
    exact_city = make_project(session, city_charity, "尿毒症（市）", "100", ("illness:uremia",), ("370800",))
    exact_town_small = make_project(session, county_charity, "尿毒症（街道）小", "1000", ("illness:uremia",), (town,))
    exact_town_big = make_project(session, county_charity, "尿毒症（街道）大", "5000", ("illness:uremia",), (town,))
    make_project(session, county_charity, "助学", "90000", ("education",), ("370811",))      # wrong kind
    make_project(session, city_charity, "曲阜", "90000", (), ("370881",))                    # wrong county
    inactive = make_project(session, city_charity, "停用", "90000", (), ("370800",))
    inactive.active = False
    session.flush()

    ranked = projects_for(session, referral)
    assert [m.project for m in ranked] == [exact_town_big, exact_town_small, exact_city, kind_county, any_city]
    assert [(m.category_fit, m.region_fit, m.covers_gap) for m in ranked] == [
        ("category", "township", True), ("category", "township", False), ("category", "city", False),
        ("kind", "county", True), ("any", "city", True)]
    assert [m.project for m in projects_for(session, referral, county_charity.id)] == [
        exact_town_big, exact_town_small, kind_county]


def test_referrals_fitting_a_charity_best_fit_then_longest_waiting(app, session, rules):
    staff = charity_staff(app)
    make_project(session, staff.charity, "大病", "10000", ("illness",), ("370811",))
    make_project(session, staff.charity, "尿毒症", "10000", ("illness:uremia",), ("370811",))
    now = utcnow()
    old_kind = _refer(app, session, rules, category="illness:leukemia", at=now - dt.timedelta(days=3))
    new_exact = _refer(app, session, rules, at=now - dt.timedelta(days=1))
    old_exact = _refer(app, session, rules, at=now - dt.timedelta(days=2))
    _refer(app, session, rules, category="incident:fire", at=now - dt.timedelta(days=5))   # no project for it
    _refer(app, session, rules, county="370881", at=now - dt.timedelta(days=5))            # another county
    taken = _refer(app, session, rules, at=now - dt.timedelta(days=9))
    claim(session, taken, staff)                                                            # no longer in the pool

    found = referrals_for(session, staff.charity_id)
    assert [m.referral for m in found] == [old_exact, new_exact, old_kind]
    assert [m.best.project.name for m in found] == ["尿毒症", "尿毒症", "大病"]


def test_pool_filter_judges_each_referral_on_its_own(app, session, rules):
    """The fit clause is correlated to each referral: one fitting referral does not let the others in."""
    from sqlalchemy import select

    from app.models import Referral
    from app.security.scope import scope_clause

    staff = charity_staff(app)
    make_project(session, staff.charity, "尿毒症", "10000", ("illness:uremia",), ("370811",))
    fits = _refer(app, session, rules)
    other_category = _refer(app, session, rules, category="education:college")
    other_county = _refer(app, session, rules, county="370881")
    seen = set(session.scalars(select(Referral.id).where(scope_clause(Referral, staff))))
    assert fits.id in seen and other_category.id not in seen and other_county.id not in seen
