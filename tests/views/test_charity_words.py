"""Charity screens read like the case screens: referral, claim and aid times in China time (not UTC), and
refusals in the user's language ("the project has less left than this" was English on a Chinese page)."""
from __future__ import annotations

import datetime as dt

import pytest

from app.models import Referral
from app.services.referrals import claim, record_aid, refer
from tests.charity_support import charity_staff, make_case, make_project, user
from tests.conftest import csrf_token

AT_UTC = dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.timezone.utc)  # 2026-11-21 02:30 in China


@pytest.fixture()
def claimed(app, session, rules):
    project = make_project(session, charity_staff(app).charity, "大病救助", "1000", ("illness",), ("370811",))
    referral = refer(session, make_case(app, session, rules), user(app, "township_caseworker_370811"), "医疗费缺口",
                     gap_money="5000")
    claim(session, referral, charity_staff(app), now=AT_UTC)
    record_aid(session, referral, charity_staff(app), project, "money", "100", None, now=AT_UTC)
    session.query(Referral).filter(Referral.id == referral.id).update({"referred_at": AT_UTC})
    session.commit()
    return referral, project


@pytest.mark.parametrize("url", ["/referralview/list/", "/aidrecordview/list/", "/referralview/show/{id}"])
def test_referral_claim_and_aid_times_are_in_china_time(login_as, claimed, url):
    referral, _project = claimed
    page = login_as("charity_staff_370811").get(url.format(id=referral.id)).get_data(as_text=True)
    assert "2026-11-21 02:30" in page
    assert "2026-11-20 18:30" not in page


def test_a_charity_refusal_is_in_chinese_without_an_english_tail(app, login_as, claimed):
    referral, project = claimed
    client = login_as("charity_staff_370811")
    page = client.post(f"/referralview/aid/{referral.id}", data={"csrf_token": csrf_token(app, client),
                                                                 "project_id": project.id, "kind": "money",
                                                                 "amount": "5000"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "该项目剩余资金不足。" in text
    assert "the project has less left than this" not in text


def test_the_same_refusal_in_english(app, login_as, claimed):
    referral, project = claimed
    client = login_as("charity_staff_370811")
    client.get("/lang/en")
    text = client.post(f"/referralview/aid/{referral.id}", data={"csrf_token": csrf_token(app, client),
                                                                 "project_id": project.id, "kind": "money",
                                                                 "amount": "5000"}, follow_redirects=True
                       ).get_data(as_text=True)
    assert "The project has less left than this." in text
