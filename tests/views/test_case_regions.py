"""The case lists show the county and the township of each case to a user who sees more than one of them:
the city bureau both, a county office the township, a township neither (it is always its own)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from app.models.audit import utcnow
from app.services.intake import intake
from tests.charity_support import FIGURES, user
from tests.support import make_household
from tests.views.test_list_queries import _queries


def _headers(page: str) -> list[str]:
    table = page[page.index("<table"):]
    head = table[:table.index("</thead>")]
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


@pytest.fixture()
def cases(app, session, rules):
    found = [intake(session, make_household(session, county), FIGURES, user(app, f"township_caseworker_{county}"),
                    rules) for county in ("370811", "370881")]
    for case in found:  # due tomorrow: on the due list too
        case.due_at = utcnow() + dt.timedelta(days=1)
    session.commit()
    return found


@pytest.mark.parametrize("url", ["/caseview/list/", "/duecases/list/"])
def test_the_city_sees_county_and_township(login_as, cases, url):
    page = login_as("city_bureau").get(url).get_data(as_text=True)
    headers = _headers(page)
    assert "县（市、区）" in headers and "乡镇（街道）" in headers
    assert "任城区" in page and "曲阜市" in page


def test_a_county_sees_the_township_but_not_its_own_county(login_as, cases):
    headers = _headers(login_as("county_reviewer_370811").get("/caseview/list/").get_data(as_text=True))
    assert "乡镇（街道）" in headers and "县（市、区）" not in headers


def test_a_township_sees_neither(login_as, cases):
    headers = _headers(login_as("township_caseworker_370811").get("/caseview/list/").get_data(as_text=True))
    assert "乡镇（街道）" not in headers and "县（市、区）" not in headers
    assert "案件编号" in headers


def test_the_city_list_costs_the_same_queries_whatever_its_size(app, login_as, cases):
    client = login_as("city_bureau")
    _queries(app, client, "/caseview/list/?psize_CaseView=1")
    assert _queries(app, client, "/caseview/list/?psize_CaseView=1")[0] == _queries(
        app, client, "/caseview/list/?psize_CaseView=2")[0]


def test_the_case_export_names_county_and_township(login_as, cases):
    text = login_as("city_bureau").get("/caseview/export/").get_data().decode("utf-8-sig")
    assert "任城区" in text and "曲阜市" in text
