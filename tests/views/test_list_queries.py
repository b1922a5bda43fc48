"""A list page costs the same number of queries whatever its size (no query per row)."""
from sqlalchemy import event

from app.extensions import db
from app.services.intake import intake
from tests.services.test_workflow import CASES, user
from tests.support import make_household


def _queries(app, client, url):
    seen = []

    def count(*_args, **_kwargs):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_case_list_queries_do_not_grow_with_the_page(app, session, rules, login_as):
    caseworker = user(app, "township_caseworker_370811")
    for _ in range(12):
        intake(session, make_household(session, "370811"), CASES[0]["figures"], caseworker, rules)
    session.commit()
    client = login_as("county_reviewer_370811")
    _queries(app, client, "/caseview/list/?psize_CaseView=2")  # warm-up: the first request loads caches
    small = _queries(app, client, "/caseview/list/?psize_CaseView=2")
    large = _queries(app, client, "/caseview/list/?psize_CaseView=12")
    assert small == large
