"""A list page costs the same number of queries whatever its size (no query per row), for every scope
that reads it — a township caseworker, a county reviewer, the whole city — on the case list, the due
list and the API's case list, and the rows' households and regions are on the page."""
import datetime as dt
import json
import urllib.parse

import pytest
from app.models.audit import utcnow
from app.services.intake import intake
from tests.api.test_cases import bearer
from tests.services.test_workflow import CASES, user
from tests.sql_support import statements
from tests.support import make_household

READERS = ["township_caseworker_370811", "county_reviewer_370811", "city_bureau"]
LISTS = [("/caseview/list/?psize_CaseView={size}&_oc_CaseView=due_at&_od_CaseView=asc"),
         ("/duecases/list/?psize_DueCaseView={size}")]


def _queries(app, client, url, **kwargs):
    response, seen = statements(client, url, **kwargs)
    assert response.status_code == 200
    return len(seen), response


@pytest.fixture()
def twelve_cases(app, session, rules):
    caseworker = user(app, "township_caseworker_370811")
    soon = utcnow() + dt.timedelta(days=1)  # due within three days: on the due list too
    cases = []
    for _ in range(12):
        case = intake(session, make_household(session, "370811"), CASES[0]["figures"], caseworker, rules)
        case.due_at = soon
        cases.append(case)
    session.commit()
    return [case.number for case in cases]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("username", READERS)
def test_list_queries_do_not_grow_with_the_page(app, twelve_cases, login_as, username, url):
    client = login_as(username)
    _queries(app, client, url.format(size=2))  # warm-up: the first request loads caches
    small, _ = _queries(app, client, url.format(size=2))
    large, page = _queries(app, client, url.format(size=12))
    assert small == large
    assert small <= 14 + 2 * ("/duecases/" in url)  # (the due list: two more, its overdue leads and their count) the page, its neighbours (one query each), the capped count, the permissions,
    # the township and county search dropdowns (a count, the rows, their parents each), the unread reminders
    text = page.get_data(as_text=True)
    assert all(number in text for number in twelve_cases)
    assert "测" in text  # the households' names (masked or whole) came with the rows


def test_the_api_case_list_costs_the_same_queries_for_2_and_for_12_rows(app, twelve_cases):
    client = app.test_client()
    headers = bearer(app, "county_reviewer_370811")

    def page(size):
        q = urllib.parse.quote(f"(order_column:due_at,order_direction:asc,page:0,page_size:{size})")
        return _queries(app, client, f"/api/v1/case/?q={q}", headers=headers)

    page(2)
    small, _ = page(2)
    large, response = page(12)
    assert small == large
    assert len(json.loads(response.get_data())["result"]) == 12
