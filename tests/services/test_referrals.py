"""Referral to the charities (二、(五)): refer, the pool each charity sees, claim, aid, close, return."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import AidRecord, AuditEntry, Charity, Referral
from app.models.audit import utcnow
from app.security.scope import scope_clause
from app.services.case_aid import case_aid
from app.services.charities import CharityRefused, change_budget
from app.services.referrals import (ReferralRefused, claim, close, record_aid, refer, release, return_stale,
                                    withdraw)
from tests.charity_support import charity_staff, make_case, make_project, region, user


@pytest.fixture()
def case(app, session, rules):
    return make_case(app, session, rules)


@pytest.fixture()
def referral(app, session, case):
    return refer(session, case, user(app, "township_caseworker_370811"), "透析费用缺口", gap_money="3000",
                 gap_goods="轮椅一台")


def seen_by(session, username_or_user, app=None) -> set[int]:
    viewer = user(app, username_or_user) if isinstance(username_or_user, str) else username_or_user
    return set(session.scalars(select(Referral.id).where(scope_clause(Referral, viewer))))


def test_refer_opens_a_referral_copied_from_the_case(app, session, case, referral):
    assert referral.state == "open"
    assert (referral.county_id, referral.township_id, referral.household_id) == (
        case.county_id, case.township_id, case.household_id)
    assert (referral.category, referral.category_kind) == ("illness:uremia", "illness")
    assert referral.gap_money == Decimal("3000.00")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.target == "referral",
                                                    AuditEntry.target_id == referral.id))
    assert (entry.action, entry.case_id) == ("refer", case.id)


@pytest.mark.parametrize("kwargs,code", [
    ({"need": ""}, "field_required:need"),
    ({"need": "缺口", "gap_money": ""}, "gap_required"),
    ({"need": "缺口", "gap_money": "12.345"}, "amount_invalid"),
    ({"need": "缺口", "gap_money": "-5"}, "amount_invalid"),
])
def test_refer_needs_a_need_and_a_gap(app, session, case, kwargs, code):
    with pytest.raises(ReferralRefused) as refused:
        refer(session, case, user(app, "township_caseworker_370811"), **kwargs)
    assert refused.value.code == code


def test_one_referral_per_case_at_a_time(app, session, case, referral):
    with pytest.raises(ReferralRefused) as refused:
        refer(session, case, user(app, "county_reviewer_370811"), "再次转介", gap_services="心理疏导")
    assert refused.value.code == "referral_exists"


@pytest.mark.parametrize("username", ["township_caseworker_370881", "charity_staff_370811", "supervisor_370881"])
def test_refer_only_within_the_jurisdiction(app, session, case, username):
    with pytest.raises(ReferralRefused) as refused:
        refer(session, case, user(app, username), "缺口", gap_money="100")
    assert refused.value.code == "scope"


# -- the pool each charity sees -------------------------------------------------------------------------

@pytest.mark.parametrize("categories,regions,fits", [
    ((), ("370811",), True),                          # every category, the county
    (("illness",), ("370811",), True),                # the kind
    (("illness:uremia",), ("370800",), True),           # the category, the whole city
    (("incident",), ("370811",), False),              # another kind
    (("illness:leukemia",), ("370811",), False),      # another category of the kind
    (("illness",), ("370881",), False),               # another county
    (("illness",), ("370811102",), False),            # another township of the county
])
def test_pool_shows_what_the_projects_fit(app, session, referral, categories, regions, fits):
    staff = charity_staff(app, "370881")
    make_project(session, staff.charity, categories=categories, regions=regions)
    assert (referral.id in seen_by(session, staff)) == fits


def test_pool_follows_the_home_township_and_inactive_projects_fit_nothing(app, session, referral):
    staff = charity_staff(app)
    project = make_project(session, staff.charity, regions=(referral.township.code,))
    assert referral.id in seen_by(session, staff)
    project.active = False
    session.flush()
    assert referral.id not in seen_by(session, staff)


def test_charity_without_projects_sees_nothing_and_government_sees_its_jurisdiction(app, session, referral):
    assert seen_by(session, charity_staff(app)) == set()
    assert referral.id in seen_by(session, "township_caseworker_370811", app)
    assert referral.id in seen_by(session, "city_bureau", app)
    assert referral.id not in seen_by(session, "county_reviewer_370881", app)


# -- claim ------------------------------------------------------------------------------------------------

@pytest.fixture()
def two_charities(app, session):
    """The fixture charities of both counties, each with a city-wide project for illness."""
    mine, other = charity_staff(app, "370811"), charity_staff(app, "370881")
    make_project(session, mine.charity, categories=("illness",), regions=("370800",))
    make_project(session, other.charity, name="大病救助", categories=("illness",), regions=("370800",))
    return mine, other


def test_claim_is_exclusive(app, session, referral, two_charities):
    mine, other = two_charities
    claim(session, referral, mine)
    assert (referral.state, referral.claimed_by_charity_id, referral.claimed_by_id) == (
        "claimed", mine.charity_id, mine.id)
    with pytest.raises(ReferralRefused) as refused:
        claim(session, referral, other)
    assert refused.value.code == "already_claimed"
    assert referral.claimed_by_charity_id == mine.charity_id
    assert referral.id not in seen_by(session, other)  # out of the pool for the others
    assert referral.id in seen_by(session, mine)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.target == "referral", AuditEntry.action == "claim",
                                                    AuditEntry.target_id == referral.id))
    assert entry.before["state"] == "open" and entry.after["claimed_by_charity_id"] == mine.charity_id
    assert entry.case_id == referral.case_id and entry.user_id == mine.id


def test_claim_refused_when_no_project_fits_or_not_charity_staff(app, session, referral):
    with pytest.raises(ReferralRefused) as refused:
        claim(session, referral, charity_staff(app))
    assert refused.value.code == "not_fit"
    with pytest.raises(ReferralRefused) as refused:
        claim(session, referral, user(app, "county_reviewer_370811"))
    assert refused.value.code == "not_charity_staff"
    assert referral.state == "open"


# -- aid and close ----------------------------------------------------------------------------------------

def test_aid_spends_the_project_and_close_ends_the_referral(app, session, referral, two_charities):
    mine, _other = two_charities
    project = mine.charity.projects[0]
    claim(session, referral, mine)
    with pytest.raises(ReferralRefused) as refused:
        close(session, referral, mine)
    assert refused.value.code == "not_closable"  # no aid yet
    money = record_aid(session, referral, mine, project, "money", "2500.50")
    goods = record_aid(session, referral, mine, project, "goods", "800", "轮椅一台")
    volunteer = record_aid(session, referral, mine, project, "services", "0", "志愿者陪护")
    assert project.remaining == Decimal("6699.50")
    assert [r.amount for r in (money, goods, volunteer)] == [Decimal("2500.50"), Decimal("800.00"), Decimal("0.00")]
    assert referral.aided_at is not None
    close(session, referral, mine, note="已资助")
    assert referral.state == "closed" and referral.closed_at is not None
    trail = session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == referral.case_id)).all()
    assert {"refer", "claim", "aid", "close"} <= set(trail)


@pytest.mark.parametrize("kind,amount,description,code", [
    ("cash", "10", None, "kind_invalid"),
    ("money", "0", None, "amount_invalid"),
    ("money", "abc", None, "amount_invalid"),
    ("goods", "10", "", "field_required:description"),
    ("money", "10000.01", None, "budget_exceeded"),
])
def test_aid_refusals_change_nothing(app, session, referral, two_charities, kind, amount, description, code):
    mine, _other = two_charities
    project = mine.charity.projects[0]
    claim(session, referral, mine)
    with pytest.raises(ReferralRefused) as refused:
        record_aid(session, referral, mine, project, kind, amount, description)
    assert refused.value.code == code
    session.expire_all()
    assert project.remaining == Decimal("10000.00")
    assert referral.aided_at is None
    assert session.scalar(select(AidRecord.id).where(AidRecord.referral_id == referral.id)) is None


def test_the_whole_remainder_can_be_spent_but_no_more(app, session, referral, two_charities):
    mine, _other = two_charities
    project = mine.charity.projects[0]
    claim(session, referral, mine)
    for _ in range(3):
        record_aid(session, referral, mine, project, "money", "3333.33")
    record_aid(session, referral, mine, project, "money", "0.01")
    assert project.remaining == Decimal("0.00")
    with pytest.raises(ReferralRefused):
        record_aid(session, referral, mine, project, "money", "0.01")


def test_aid_only_on_own_claim_from_own_fitting_project(app, session, referral, two_charities):
    mine, other = two_charities
    with pytest.raises(ReferralRefused) as refused:
        record_aid(session, referral, mine, mine.charity.projects[0], "money", "10")
    assert refused.value.code == "not_claimed"
    claim(session, referral, mine)
    with pytest.raises(ReferralRefused) as refused:
        record_aid(session, referral, other, other.charity.projects[0], "money", "10")
    assert refused.value.code == "not_claimed"
    with pytest.raises(ReferralRefused) as refused:
        record_aid(session, referral, mine, other.charity.projects[0], "money", "10")
    assert refused.value.code == "project_not_yours"
    school = make_project(session, mine.charity, name="助学", categories=("education",), regions=("370800",))
    with pytest.raises(ReferralRefused) as refused:
        record_aid(session, referral, mine, school, "money", "10")
    assert refused.value.code == "project_does_not_fit"


def test_release_returns_to_the_pool_for_the_others(app, session, referral, two_charities):
    mine, other = two_charities
    claim(session, referral, mine)
    release(session, referral, mine, note="力量不足")
    assert (referral.state, referral.claimed_by_charity_id) == ("returned", None)
    assert referral.id in seen_by(session, other)
    claim(session, referral, other)
    record_aid(session, referral, other, other.charity.projects[0], "money", "10")
    with pytest.raises(ReferralRefused) as refused:
        release(session, referral, other)
    assert refused.value.code == "not_releasable"  # aid given: close it instead


def test_withdraw_by_the_referring_side_while_unclaimed(app, session, referral, two_charities):
    mine, _other = two_charities
    with pytest.raises(ReferralRefused) as refused:
        withdraw(session, referral, user(app, "township_caseworker_370811"), "")
    assert refused.value.code == "field_required:note"
    withdraw(session, referral, user(app, "township_caseworker_370811"), "政府救助已覆盖")
    assert referral.state == "closed"
    with pytest.raises(ReferralRefused):
        claim(session, referral, mine)


# -- claims left without aid return to the pool -------------------------------------------------------------

def test_stale_claims_return_after_the_county_period(app, session, rules, referral, two_charities):
    mine, other = two_charities
    days = rules.effective("370811", dt.date(2026, 11, 28))["charity"]["claim_return_days"]["value"]
    claimed_at = utcnow() - dt.timedelta(days=30)
    claim(session, referral, mine, now=claimed_at)
    just_before = claimed_at + dt.timedelta(days=days) - dt.timedelta(minutes=1)
    assert return_stale(session, rules, now=just_before) == []
    assert referral.state == "claimed"
    assert return_stale(session, rules, now=claimed_at + dt.timedelta(days=days, minutes=1)) == [referral.id]
    assert (referral.state, referral.claimed_by_charity_id, referral.claimed_at) == ("returned", None, None)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "return",
                                                    AuditEntry.target_id == referral.id))
    assert entry.user_id is None and entry.before["claimed_by_charity_id"] == mine.charity_id
    claim(session, referral, other)  # back in the pool


def test_a_claim_with_aid_stays(app, session, rules, referral, two_charities):
    mine, _other = two_charities
    claim(session, referral, mine, now=utcnow() - dt.timedelta(days=60))
    record_aid(session, referral, mine, mine.charity.projects[0], "money", "10")
    assert return_stale(session, rules) == []
    assert referral.state == "claimed"


# -- government and charity aid together -------------------------------------------------------------------

def test_case_shows_government_and_charity_aid_together(app, session, case, referral, two_charities):
    mine, _other = two_charities
    claim(session, referral, mine)
    record_aid(session, referral, mine, mine.charity.projects[0], "money", "1200")
    record_aid(session, referral, mine, mine.charity.projects[0], "goods", "300.50", "轮椅")
    overview = case_aid(session, case)
    assert [(row["number"], row["amount"], row["this_case"]) for row in overview["government"]] == [
        (case.number, Decimal("1800.00"), True)]
    assert [(row["kind"], row["amount"], row["charity"]) for row in overview["charity"]] == [
        ("money", Decimal("1200.00"), mine.charity.name), ("goods", Decimal("300.50"), mine.charity.name)]
    assert overview["totals"] == {"government": Decimal("1800.00"), "charity_money": Decimal("1200.00"),
                                  "charity_in_kind": Decimal("300.50"), "all": Decimal("3300.50")}
    assert [r["state"] for r in overview["referrals"]] == ["claimed"]


# -- the register -------------------------------------------------------------------------------------------

def test_fixture_charity_staff_belong_to_a_charity_of_their_county(app, session):
    for county in ("370811", "370881"):
        staff = charity_staff(app, county)
        assert staff.charity is not None and staff.charity.region == region(session, county)
    assert session.scalar(select(Charity).where(Charity.name == "任城区慈善总会")) is not None


def test_budget_change_moves_the_remainder_and_never_below_spent(app, session, referral, two_charities):
    mine, _other = two_charities
    project = mine.charity.projects[0]
    claim(session, referral, mine)
    record_aid(session, referral, mine, project, "money", "4000")
    change_budget(session, project, "15000", user(app, "city_bureau"))
    assert (project.budget, project.remaining) == (Decimal("15000.00"), Decimal("11000.00"))
    with pytest.raises(CharityRefused):
        change_budget(session, project, "3999.99", user(app, "city_bureau"))
    change_budget(session, project, "4000", user(app, "city_bureau"))
    assert project.remaining == Decimal("0.00")
