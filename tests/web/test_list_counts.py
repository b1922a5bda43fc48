"""A list counts its rows up to the cap and no further: an exact number below it, "more than N" past it
(with PostgreSQL's estimate), and the pager offers only pages that exist."""
import re

import pytest
from app.extensions import db
from app.extensions import db
from app.models import Case
from app.services.intake import intake
from app.web.list_counts import CappedCount, capped_count
from tests.services.test_workflow import CASES, user
from tests.sql_support import recorded
from tests.support import make_household

#: rows in the list, the cap → what the count is, and whether it stopped at the cap
TABLE = [(0, 5, 0, False), (4, 5, 4, False), (5, 5, 5, False), (6, 5, 5, True), (9, 3, 3, True)]


@pytest.fixture()
def nine_cases(app, session, rules):
    caseworker = user(app, "township_caseworker_370811")
    for _ in range(9):
        intake(session, make_household(session, "370811"), CASES[0]["figures"], caseworker, rules)
    session.commit()


@pytest.mark.parametrize("rows, cap, expected, capped", TABLE)
def test_the_count_is_exact_below_the_cap_and_stops_at_it(session, nine_cases, rows, cap, expected, capped):
    ids = [pk for (pk,) in session.query(Case.id).order_by(Case.id).limit(rows)]
    count = capped_count(session.query(Case).filter(Case.id.in_(ids)), cap)
    assert count == expected
    assert isinstance(count, CappedCount) is capped


def test_the_count_reads_no_more_rows_than_the_cap(session, nine_cases):
    with recorded() as seen:
        capped_count(session.query(Case), 3)
    counted = [s for s in seen if "count(" in s.lower()]
    assert counted and "LIMIT" in counted[0].upper()


def test_a_capped_count_reads_as_words_in_both_languages(app):
    with app.test_request_context("/"):
        from flask_babel import force_locale

        count = CappedCount(10_000, 1_013_442)
        with force_locale("zh"):
            assert str(count) == "超过 10,000（约 1,000,000）"
        with force_locale("en"):
            assert str(count) == "more than 10,000 (about 1,000,000)"
        with force_locale("zh"):
            assert str(CappedCount(10_000)) == "超过 10,000"  # no estimate (SQLite): no "about"
        assert int(count) == 10_000 and count / 25 == 400


def test_the_case_list_says_more_than_the_cap_and_pages_only_within_it(app, nine_cases, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 4)
    client = login_as("county_reviewer_370811")
    page = client.get("/caseview/list/?psize_CaseView=2").get_data(as_text=True)
    assert "超过 4" in page
    pages = {int(n) for n in re.findall(r"page_CaseView=(\d+)", page)}
    assert pages and max(pages) == 1  # 4 rows counted, 2 a page: pages 0 and 1, none past the cap
    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 100)
    page = client.get("/caseview/list/?psize_CaseView=2").get_data(as_text=True)
    assert "超过" not in page and re.search(r"</strong>\s*9\s*<", page)


def test_postgresql_estimates_what_it_did_not_count(session, nine_cases):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the planner's estimate is PostgreSQL's")
    count = capped_count(session.query(Case), 2)
    assert isinstance(count, CappedCount) and count.estimate is not None and count.estimate >= 1


def test_an_unfiltered_list_counts_its_rows_not_one(session, nine_cases):
    """The whole city's list has no filter: the count still reads the table (not ``SELECT 1``)."""
    assert capped_count(session.query(Case), 100) == session.query(Case).count() >= 9


def test_the_api_reports_the_capped_number_and_asks_no_estimate(app, nine_cases, monkeypatch):
    from tests.api.test_cases import bearer
    from tests.sql_support import statements

    monkeypatch.setitem(app.config, "LIST_COUNT_CAP", 4)
    client = app.test_client()
    response, seen = statements(client, "/api/v1/case/", headers=bearer(app, "county_reviewer_370811"))
    assert response.status_code == 200 and response.get_json()["count"] == 4
    assert not any(s.lstrip().startswith("EXPLAIN") for s in seen)
