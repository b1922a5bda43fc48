"""The dashboards on the screen: each role's landing page shows its own area; the city drills to a
township; a township cannot open another; the exports open with the right totals; no chart loads a
script."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Region
from tests.payment_support import user
from tests.reports.builder import build, load

TABLE = load()
PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}


@pytest.fixture()
def month(app, session):
    built = build(session, user(app, "township_caseworker_370811"), TABLE)
    session.commit()
    return built


def _county(session, code="370811"):
    return session.scalar(select(Region).where(Region.code == code))


def test_the_landing_page_shows_the_dashboard_beside_the_to_do_list(login_as, month):
    page = login_as("county_reviewer_370811").get("/").get_data(as_text=True)
    assert 'id="todo-steps"' in page and 'id="dashboard"' in page
    assert "任城区" in page.split('id="dashboard-area"')[1][:200]
    assert "<svg" in page and "<script" not in page.split('id="dashboard"')[1].split("</svg>")[0]


def test_a_city_user_drills_from_the_city_to_a_county_and_a_township(login_as, session, month):
    client = login_as("city_bureau")
    city = client.get("/dashboard/", query_string=PERIOD).get_data(as_text=True)
    county = _county(session)
    assert f'data-region="{county.code}"' in city
    row = city.split(f'data-region="{county.code}"')[1].split("</tr>")[0]
    assert re.search(r">7<", row), row  # 任城区's seven cases
    drilled = client.get("/dashboard/", query_string={**PERIOD, "region": county.id}).get_data(as_text=True)
    town = month["townships"]["T2"]
    assert f'data-region="{town.code}"' in drilled
    inner = client.get("/dashboard/", query_string={**PERIOD, "region": town.id}).get_data(as_text=True)
    assert town.name in inner.split('id="dashboard-area"')[1][:300]
    assert 'id="dashboard-breakdown"' not in inner, "a township has nothing below it"


def test_a_township_sees_only_itself(login_as, month):
    client = login_as("township_caseworker_370811")
    other = month["townships"]["T2"]
    assert client.get("/dashboard/", query_string={"region": other.id}).status_code == 404
    assert client.get("/dashboard/", query_string={"region": "x"}).status_code == 404
    page = client.get("/dashboard/", query_string=PERIOD).get_data(as_text=True)
    assert month["townships"]["T1"].name in page.split('id="dashboard-area"')[1][:300]


def test_a_county_user_cannot_open_the_city_or_another_county(login_as, session, month):
    client = login_as("county_approver_370811")
    assert client.get("/dashboard/", query_string={"region": _county(session, "370881").id}).status_code == 404
    city = session.scalar(select(Region).where(Region.level == "city"))
    assert client.get("/dashboard/", query_string={"region": city.id}).status_code == 404


def test_a_wrong_period_is_a_message_not_an_error(login_as, month):
    client = login_as("county_reviewer_370811")
    assert client.get("/dashboard/", query_string={"start": "2026-13-01"}).status_code == 302
    assert client.get("/dashboard/export/", query_string={"start": "2026-12-01", "end": "2026-11-01"}).status_code == 400


def test_the_workbook_opens_with_the_right_totals(login_as, session, month):
    client = login_as("county_reviewer_370811")
    answer = client.get("/dashboard/export/", query_string=PERIOD)
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data))
    regions = book.worksheets[1]
    header = [c.value for c in regions[2]]
    cases = header.index("Cases taken in") if "Cases taken in" in header else header.index("受理案件数")
    body = [row for row in regions.iter_rows(min_row=3, values_only=True)]
    *towns, total = body
    assert total[cases] == 7 and sum(r[cases] for r in towns) == 7
    performance = load_workbook(io.BytesIO(client.get("/dashboard/performance/", query_string=PERIOD).data)).active
    rows = list(performance.iter_rows(min_row=3, values_only=True))
    decision = [r for r in rows if r[0] in ("Decision within 20 working days", "20个工作日内审批")][0]
    assert decision[1] == 95 and float(decision[2]) == pytest.approx(66.67)
    assert float(decision[4]) == pytest.approx(25 * 66.67 / 95, abs=0.01)


def test_the_dashboard_breaks_down_by_category_beside_kind_on_screen_and_in_the_workbook(login_as, month):
    client = login_as("county_reviewer_370811")
    page = client.get("/dashboard/", query_string=PERIOD).get_data(as_text=True)
    table = page.split('id="dashboard-categories"')[1].split("</table>")[0]
    rows = re.findall(r'<tr data-category="([^"]+)"><td>([^<]+)</td>', table)
    assert sorted(rows) == [("illness:leukemia", "白血病"), ("illness:uremia", "尿毒症"), ("incident:fire", "火灾")]
    assert "按救助类别" in page and "线索按时首次联系率" in page
    book = load_workbook(io.BytesIO(client.get("/dashboard/export/", query_string=PERIOD).data))
    sheet = book["按救助类别"]
    header = [c.value for c in sheet[2]]
    body = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(body) == {"白血病", "尿毒症", "火灾"}
    assert body["尿毒症"][header.index("受理案件数")] == 3 and body["火灾"][header.index("受理案件数")] == 3
    supervisor = load_workbook(io.BytesIO(login_as("supervisor_370811").get("/dashboard/export/",
                                                                            query_string=PERIOD).data))
    hidden = {row[0]: row[1] for row in supervisor["按救助类别"].iter_rows(min_row=3, values_only=True)}
    assert hidden == {"白血病": "< 5", "尿毒症": "< 5", "火灾": "< 5"}, "the same small-count suppression"


def test_roles_without_a_dashboard_are_refused(login_as, month):
    assert login_as("charity_staff_370811").get("/dashboard/").status_code in (302, 403)


def test_the_user_statistics_chart_is_drawn_without_the_internet(login_as):
    page = login_as("admin").get("/userstatschartview/chart/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "<svg" in text and "google" not in text.lower() and "gstatic" not in text


def test_a_supervisors_export_hides_small_counts(login_as, month):
    """The supervisor does not see personal data: the exported breakdown hides counts under 5."""
    book = load_workbook(io.BytesIO(login_as("supervisor_370811").get("/dashboard/export/", query_string=PERIOD).data))
    body = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    *towns, total = body
    cells = [value for row in towns for value in row[1:]]
    assert "< 5" in cells, "T1's three cases and T2's four are hidden"
    assert total[1] == 7, "the total is not hidden"
    reviewer = load_workbook(io.BytesIO(login_as("county_reviewer_370811").get("/dashboard/export/",
                                                                                  query_string=PERIOD).data))
    assert "< 5" not in [v for row in reviewer.worksheets[1].iter_rows(min_row=3, values_only=True) for v in row]
