"""Overdue leads on the due list (办理期限): a lead past its first-contact time is a row among the cases,
in due order, linking to the lead; a lead still within its clock is not; another county sees neither;
the page costs the same queries whatever number of leads it holds."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from app.models.audit import utcnow
from app.services.intake import intake
from app.services.leads import report
from tests.services.test_leads import good, user
from tests.services.test_workflow import CASES
from tests.sql_support import statements
from tests.support import make_household

CASEWORKER = "township_caseworker_370811"


def _lead(app, session, rules, hours_ago: float, **fields):
    """A grid worker's urgent report (24 h clock) made ``hours_ago``."""
    return report(session, good(session, **fields), rules, user(app, "grid_worker_370811"),
                  now=utcnow() - dt.timedelta(hours=hours_ago))


def _case(app, session, rules, due_in_hours: float):
    case = intake(session, make_household(session, "370811"), CASES[0]["figures"], user(app, CASEWORKER), rules)
    case.due_at = utcnow() + dt.timedelta(hours=due_in_hours)
    return case


@pytest.fixture()
def due(app, session, rules):
    earlier = _case(app, session, rules, -10)              # overdue by 10 h
    late = _lead(app, session, rules, 30, person_name="过时")   # first contact due 6 h ago
    on_time = _lead(app, session, rules, 2, person_name="未到")  # due in 22 h: within its clock
    later = _case(app, session, rules, 24)                 # due tomorrow
    session.commit()
    return earlier, late, on_time, later


def test_an_overdue_lead_is_a_row_among_the_cases_in_due_order(login_as, due):
    earlier, late, on_time, later = due
    page = login_as(CASEWORKER).get("/duecases/list/").get_data(as_text=True)
    assert late.number in page and on_time.number not in page
    assert page.index(earlier.number) < page.index(late.number) < page.index(later.number)
    row = re.search(rf'<tr class="due-lead" id="due-lead-{late.id}">(.*?)</tr>', page, re.S).group(1)
    assert f'href="/leads/inbox/{late.id}"' in row and "急难线索" in row and "label-danger" in row
    assert "等待乡镇" in row and "火灾" in row


def test_another_county_sees_no_lead_of_this_one(login_as, due):
    _earlier, late, _on_time, _later = due
    assert late.number not in login_as("township_caseworker_370881").get("/duecases/list/").get_data(as_text=True)


def test_a_role_without_the_inbox_sees_the_cases_only(login_as, due):
    earlier, late, _on_time, _later = due
    page = login_as("finance_officer_370811").get("/duecases/list/").get_data(as_text=True)
    assert earlier.number in page and late.number not in page


def test_leads_between_two_pages_land_on_the_page_of_the_next_case(login_as, due):
    """One case a page: the lead due between the two cases is on the second page, not lost between them."""
    earlier, late, _on_time, later = due
    client = login_as(CASEWORKER)
    first = client.get("/duecases/list/?psize_DueCaseView=1").get_data(as_text=True)
    second = client.get("/duecases/list/?psize_DueCaseView=1&page_DueCaseView=1").get_data(as_text=True)
    seen_first = [n for n in (earlier.number, late.number, later.number) if n in first]
    seen_second = [n for n in (earlier.number, late.number, later.number) if n in second]
    assert len(seen_first + seen_second) == 3 and late.number in seen_first + seen_second
    assert earlier.number in first and later.number not in first


def test_the_due_list_costs_the_same_queries_for_one_lead_and_for_five(app, session, rules, login_as, due):
    client = login_as(CASEWORKER)
    statements(client, "/duecases/list/")  # warm-up
    _answer, one = statements(client, "/duecases/list/")
    for n in range(4):
        _lead(app, session, rules, 40 + n, person_name=f"过时{n}")
    session.commit()
    statements(client, "/duecases/list/")  # warm-up again: the commit expired what the app had loaded
    answer, five = statements(client, "/duecases/list/")
    assert len(five) == len(one) and answer.get_data(as_text=True).count('class="due-lead"') == 5


def test_the_count_names_the_overdue_leads_beside_the_cases(login_as, due):
    page = login_as(CASEWORKER).get("/duecases/list/").get_data(as_text=True)
    line = re.search(r'<p class="due-lead-count">(.*?)</p>', page, re.S).group(1)
    assert "1" in line and "线索" in line
    assert 'class="due-lead-count"' not in login_as("finance_officer_370811").get("/duecases/list/").get_data(
        as_text=True)


@pytest.mark.parametrize("path", ["/duecases/export/", "/duecases/export/xlsx/"])
def test_the_export_holds_the_overdue_leads_among_the_cases_in_due_order(login_as, due, path):
    from tests.views.test_exports import _csv, _sheet

    def read_rows(response):
        if path.endswith("xlsx/"):
            return [[cell.value for cell in row] for row in _sheet(response).iter_rows()]
        return _csv(response)

    earlier, late, on_time, later = due
    answer = login_as(CASEWORKER).get(path)
    assert answer.status_code == 200
    rows = read_rows(answer)
    numbers = [row[0] for row in rows[1:]]
    assert late.number in numbers and on_time.number not in numbers
    assert numbers.index(earlier.number) < numbers.index(late.number) < numbers.index(later.number)
    lead_row = rows[1 + numbers.index(late.number)]
    assert "急难线索" in " ".join(map(str, lead_row)) and "过时" in " ".join(map(str, lead_row))  # as on screen
    assert all(cell not in (None, "None") for cell in lead_row[:4])
    approver = [row[0] for row in read_rows(login_as("county_approver_370811").get(path))[1:]]  # no lead inbox
    assert earlier.number in approver and late.number not in approver


def test_the_export_works_on_the_29th_of_february(login_as, due, monkeypatch):
    import app.views.due_list as due_list

    leap = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.timezone.utc)
    monkeypatch.setattr(due_list, "utcnow", lambda: leap)
    assert login_as(CASEWORKER).get("/duecases/export/").status_code == 200
