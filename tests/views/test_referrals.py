"""A referral through the screens: from the case to a charity's claim to recorded aid and back onto the case;
the household masked for charity staff until their charity claims it."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event, select

from app.extensions import db
from app.models import Referral
from app.services.referrals import refer
from tests.charity_support import charity_staff, make_case, make_project, user
from tests.conftest import csrf_token

ID_MASKED_PREFIX = "3708**********"


@pytest.fixture()
def case(app, session, rules):
    case = make_case(app, session, rules)
    session.commit()
    return case


@pytest.fixture()
def project(app, session):
    project = make_project(session, charity_staff(app).charity, "大病救助", "10000", ("illness",), ("370811",))
    session.commit()
    return project


def _post(app, client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(app, client), **data})


def test_referral_from_case_to_claim_to_aid_and_back_onto_the_case(app, session, login_as, case, project):
    household = case.household
    caseworker = login_as("township_caseworker_370811")
    found = caseworker.get(f"/referralview/refer/?number={case.number}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/referralview/refer/{case.id}")
    form = caseworker.get(f"/referralview/refer/{case.id}").get_data(as_text=True)
    assert 'id="refer-form"' in form and 'id="government-aid"' in form and "1800.00" in form
    referred = _post(app, caseworker, f"/referralview/refer/{case.id}", need="透析费用缺口", gap_money="3000",
                     gap_goods="轮椅")
    referral = session.scalar(select(Referral).where(Referral.case_id == case.id))
    assert referred.status_code == 302 and referred.headers["Location"].endswith(f"/referralview/show/{referral.id}")

    # the charity finds it in its pool, masked, and claims it
    charity = login_as("charity_staff_370811")
    pool = charity.get("/referralpool/list/").get_data(as_text=True)
    assert f"/show/{referral.id}\"" in pool
    assert household.head_name not in pool and household.head_name[0] + "*" * (len(household.head_name) - 1) in pool
    before = charity.get(f"/referralview/show/{referral.id}").get_data(as_text=True)
    assert household.id_number not in before and ID_MASKED_PREFIX in before
    assert "13905371234" not in before and "幸福路1号" not in before
    assert 'id="claim-form"' in before and 'id="aid-form"' not in before
    assert _post(app, charity, f"/referralview/claim/{referral.id}").status_code == 302
    after = charity.get(f"/referralview/show/{referral.id}").get_data(as_text=True)
    assert household.id_number in after and "13905371234" in after and "幸福路1号" in after
    assert household.head_name in after and 'id="aid-form"' in after and 'id="claim-form"' not in after

    # records aid from its project and closes the referral
    _post(app, charity, f"/referralview/aid/{referral.id}", project_id=project.id, kind="money", amount="1200")
    _post(app, charity, f"/referralview/aid/{referral.id}", project_id=project.id, kind="goods", amount="300.50",
          description="轮椅一台")
    session.expire_all()
    assert project.remaining == Decimal("8499.50")
    assert 'id="close-form"' in charity.get(f"/referralview/show/{referral.id}").get_data(as_text=True)
    _post(app, charity, f"/referralview/close/{referral.id}", note="已资助")
    session.expire_all()
    assert referral.state == "closed"
    records = charity.get("/aidrecordview/list/").get_data(as_text=True)
    assert "1200.00" in records and "轮椅一台" in records

    # and the case shows government and charity aid together
    page = caseworker.get(f"/referralview/case/{case.id}").get_data(as_text=True)
    assert 'id="total-government">1800.00<' in page
    assert 'id="total-charity-money">1200.00<' in page and 'id="total-charity-in-kind">300.50<' in page
    assert 'id="total-all">3300.50<' in page and "大病救助" in page


def test_refused_actions_say_why(app, session, login_as, case, project):
    caseworker = login_as("township_caseworker_370811")
    page = _post(app, caseworker, f"/referralview/refer/{case.id}", need="", gap_money="3000")
    assert page.status_code == 200 and "alert-danger" in page.get_data(as_text=True)
    referral = refer(session, case, user(app, "township_caseworker_370811"), "缺口", gap_money="100")
    session.commit()
    charity = login_as("charity_staff_370811")
    _post(app, charity, f"/referralview/claim/{referral.id}")
    refused = charity.post(f"/referralview/aid/{referral.id}", follow_redirects=True, data={
        "csrf_token": csrf_token(app, charity), "project_id": project.id, "kind": "money", "amount": "99999"})
    assert "alert-danger" in refused.get_data(as_text=True)
    session.expire_all()
    assert project.remaining == Decimal("10000.00")


def test_other_charities_and_other_counties_do_not_see_it(app, session, login_as, case, project):
    referral = refer(session, case, user(app, "township_caseworker_370811"), "缺口", gap_money="100")
    session.commit()
    other = login_as("charity_staff_370881")  # its charity has no project for 任城区
    assert f"/show/{referral.id}\"" not in other.get("/referralpool/list/").get_data(as_text=True)
    assert other.get(f"/referralview/show/{referral.id}").status_code == 404
    assert _post(app, other, f"/referralview/claim/{referral.id}").status_code == 404
    assert login_as("county_reviewer_370881").get(f"/referralview/show/{referral.id}").status_code == 404
    assert login_as("charity_staff_370811").get(f"/referralview/case/{case.id}").status_code == 404


@pytest.mark.parametrize("username,whole", [
    ("township_caseworker_370811", True),   # works the case
    ("supervisor_370811", False),           # oversight: masked
    ("charity_staff_370811", False),        # not claimed yet
])
def test_masking_in_list_and_detail(app, session, login_as, case, project, username, whole):
    referral = refer(session, case, user(app, "township_caseworker_370811"), "缺口", gap_money="100")
    session.commit()
    client = login_as(username)
    listing = client.get("/referralview/list/").get_data(as_text=True)
    show = client.get(f"/referralview/show/{referral.id}").get_data(as_text=True)
    assert f"/show/{referral.id}\"" in listing
    assert (case.household.head_name in listing) == whole
    assert (case.household.id_number in show) == whole and (ID_MASKED_PREFIX in show) == (not whole)
    assert ("13905371234" in show) == whole and ("139****1234" in show) == (not whole)


def test_caseworker_may_withdraw_and_charity_may_not_refer(app, session, login_as, case, project):
    referral = refer(session, case, user(app, "township_caseworker_370811"), "缺口", gap_money="100")
    session.commit()
    charity = login_as("charity_staff_370811")
    assert charity.get(f"/referralview/refer/{case.id}").status_code in (302, 403)
    caseworker = login_as("township_caseworker_370811")
    assert 'id="withdraw-form"' in caseworker.get(f"/referralview/show/{referral.id}").get_data(as_text=True)
    _post(app, caseworker, f"/referralview/withdraw/{referral.id}", note="政府救助已足够")
    session.expire_all()
    assert referral.state == "closed"


def test_charity_page_lists_its_projects_and_the_referrals_that_fit(app, session, login_as, case, project):
    referral = refer(session, case, user(app, "township_caseworker_370811"), "透析缺口", gap_money="100")
    session.commit()
    charity = charity_staff(app).charity
    page = login_as("charity_staff_370811").get(f"/charityview/show/{charity.id}").get_data(as_text=True)
    assert "大病救助" in page and f"/referralview/show/{referral.id}\"" in page and "透析缺口" in page
    other = charity_staff(app, "370881").charity
    assert login_as("charity_staff_370811").get(f"/charityview/show/{other.id}").status_code == 404
    assert login_as("city_bureau").get(f"/charityview/show/{other.id}").status_code == 200
    # government staff see the fitting referrals of their own jurisdiction only
    assert f"/referralview/show/{referral.id}\"" in login_as("county_reviewer_370811").get(
        f"/charityview/show/{charity.id}").get_data(as_text=True)
    assert f"/referralview/show/{referral.id}\"" not in login_as("county_reviewer_370881").get(
        f"/charityview/show/{charity.id}").get_data(as_text=True)


def test_county_keeps_its_own_charities_and_projects(app, session, login_as):
    reviewer = login_as("county_reviewer_370811")
    mine, other = charity_staff(app).charity, charity_staff(app, "370881").charity
    added = _post(app, reviewer, "/charityprojectview/add", charity=mine.id, name="助学金", budget="5000",
                  categories=["education", "illness:uremia"], active="y")
    assert added.status_code == 302, added.get_data(as_text=True)
    session.expire_all()
    project = mine.projects[-1]
    assert (project.name, project.budget, project.remaining) == ("助学金", Decimal("5000.00"), Decimal("5000.00"))
    assert project.categories == ["education", "illness:uremia"]
    assert [r.code for r in project.regions] == ["370811"]  # none chosen: the charity's own county
    refused = _post(app, reviewer, "/charityprojectview/add", charity=other.id, name="越界", budget="1")
    assert refused.status_code in (200, 400)
    assert all(p.name != "越界" for p in other.projects)
    edited = _post(app, reviewer, f"/charityprojectview/edit/{project.id}", name="助学金", budget="8000",
                   categories=["education"], active="y")
    assert edited.status_code == 302, edited.get_data(as_text=True)
    session.expire_all()
    assert (project.budget, project.remaining, project.categories) == (
        Decimal("8000.00"), Decimal("8000.00"), ["education"])
    project.remaining = Decimal("1000.00")  # 7000 spent
    session.commit()
    below = reviewer.post(f"/charityprojectview/edit/{project.id}", follow_redirects=True, data={
        "csrf_token": csrf_token(app, reviewer), "name": "助学金", "budget": "6999.99", "categories": ["education"],
        "active": "y"})
    assert "alert-danger" in below.get_data(as_text=True)
    session.expire_all()
    assert (project.budget, project.remaining) == (Decimal("8000.00"), Decimal("1000.00"))


def test_referral_list_queries_do_not_grow_with_the_page(app, session, rules, login_as, project):
    caseworker = user(app, "township_caseworker_370811")
    for _ in range(12):
        refer(session, make_case(app, session, rules, approved=False), caseworker, "缺口", gap_money="100")
    session.commit()
    for username in ("county_reviewer_370811", "charity_staff_370811"):
        client = login_as(username)
        counts = []
        for size in (2, 2, 12):  # the first request warms the caches
            seen = []
            listener = lambda *_a, **_k: seen.append(1)  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert client.get(f"/referralview/list/?psize_ReferralView={size}").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            counts.append(len(seen))
        assert counts[1] == counts[2], (username, counts)
