"""Intake as a caseworker uses it: pickers for dates and times (China time, no zone typed), today by
default, categories by kind, one labelled field per month with paste, errors on their fields in the
user's language."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.models import Case
from app.models.audit import utcnow
from app.rules.inputs import CST
from tests.conftest import csrf_token
from tests.support import make_household
from tests.views.test_cases import household  # noqa: F401 — the fixture: a household of 任城区


def _months(name, figures):
    return {f"{name}-{index}": figure for index, figure in enumerate(figures)}


def _form(app, client, **fields):
    data = {"kind": "expenditure", "category": "illness:uremia", "severity": "", "application_date": "2026-11-02",
            "cost": "2000", "financial_assets": "1000", "houses": "1", "vehicles": "0",
            "csrf_token": csrf_token(app, client), **_months("monthly_income", ["300"] * 12),
            **_months("monthly_necessary_expenses", ["100"] * 6)}
    data.update(fields)
    return data


def _group(page, name):
    return re.search(rf'<div class="[^"]*" id="group-{name}">(.*?)\n    </div>|id="group-{name}">(.*?)</div>\s*</div>',
                     page, re.S)


def test_the_form_offers_pickers_today_and_one_labelled_field_per_month(app, login_as, household):
    client = login_as("township_caseworker_370811")
    page = client.get(f"/intake/?id_number={household.id_number}").get_data(as_text=True)
    today = utcnow().astimezone(CST).date()
    assert re.search(rf'<input[^>]*id="application_date"[^>]*type="date"[^>]*value="{today.isoformat()}"', page) or \
        re.search(rf'type="date"[^>]*value="{today.isoformat()}"[^>]*name="application_date"|'
                  rf'name="application_date"[^>]*type="date"[^>]*value="{today.isoformat()}"', page)
    assert re.search(r'type="datetime-local"', page) and "+08:00" not in page
    months = re.findall(r'name="monthly_income-(\d+)"', page)
    assert months == [str(i) for i in range(12)]  # the 12 months the county compares
    assert len(re.findall(r'name="monthly_necessary_expenses-\d+"', page)) == 6
    before = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert f'data-offset="1">{before}</label>' in page  # the month before the application month, by name
    assert re.search(r'<option[^>]*data-kind="incident"[^>]*value="incident:fire"|'
                     r'<option[^>]*value="incident:fire"[^>]*data-kind="incident"', page)


def test_an_emergency_reported_at_a_picked_local_time_is_read_as_china_time(app, session, login_as, household):
    client = login_as("township_caseworker_370811")
    saved = client.post(f"/intake/?id_number={household.id_number}", data=_form(
        app, client, action="save", kind="emergency", category="incident:fire", severity="light",
        application_date="2026-01-20", reported_at="2026-01-20T21:30", requested_amount="800", cost="",
        **_months("monthly_income", [""] * 12), **_months("monthly_necessary_expenses", [""] * 6),
        financial_assets="", houses="", vehicles=""))
    assert saved.status_code == 302
    case = session.scalar(select(Case).where(Case.household_id == household.id))
    assert case.inputs["reported_at"] == "2026-01-20T21:30:00+08:00"  # before the 2026 opinion: the emergency flow
    assert case.deadlines["pre_assist_due"]["due"] == "2026-01-21T21:30:00+08:00"
    assert "household" not in case.inputs or "monthly_income" not in case.inputs["household"]


def test_a_row_of_twelve_figures_pasted_into_the_first_month_fills_them_all(app, session, login_as, household):
    client = login_as("township_caseworker_370811")
    row = "\t".join(str(300 + i) for i in range(12))
    data = _form(app, client, action="save", **_months("monthly_income", [""] * 12))
    data["monthly_income-0"] = row
    assert client.post(f"/intake/?id_number={household.id_number}", data=data).status_code == 302
    case = session.scalar(select(Case).where(Case.household_id == household.id))
    assert case.inputs["household"]["monthly_income"] == [str(300 + i) for i in range(12)]


@pytest.mark.parametrize("lang, sentence", [("zh", "请填写全部 12 个月的数字。"), ("en", "Give the figures of all 12 months.")])
def test_too_few_months_are_shown_on_the_income_field_in_the_users_language(app, login_as, household, lang, sentence):
    client = login_as("township_caseworker_370811")
    client.get(f"/lang/{lang}")
    page = client.post(f"/intake/?id_number={household.id_number}", data=_form(
        app, client, action="preview", **_months("monthly_income", ["300"] * 5 + [""] * 7))).get_data(as_text=True)
    group = page.split('id="group-monthly_income"', 1)[1].split('id="group-monthly_necessary_expenses"', 1)[0]
    assert sentence in group and 'id="intake-error"' not in page
    assert "household.monthly_income" not in page and "needs at least" not in page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_figures_are_refused_on_their_fields_in_the_users_language(app, login_as, household, lang):
    client = login_as("township_caseworker_370811")
    client.get(f"/lang/{lang}")
    page = client.post(f"/intake/?id_number={household.id_number}", data=_form(
        app, client, action="preview", cost="1e5", houses="-1", category="incident:fire")).get_data(as_text=True)
    cost = page.split('id="group-cost"', 1)[1].split("</div>", 1)[0]
    houses = page.split('id="group-houses"', 1)[1].split("</div>", 1)[0]
    if lang == "zh":
        assert "请填写金额" in cost or "元" in cost, cost
        assert "请填写0或正整数" in houses
        assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]+>", "", cost + houses).replace("1e5", ""))
    else:
        assert "An amount in yuan" in cost and "A whole number, 0 or more" in houses


def test_an_expenditure_case_of_an_incident_category_is_refused_on_the_category(app, login_as, household):
    client = login_as("township_caseworker_370811")
    page = client.post(f"/intake/?id_number={household.id_number}", data=_form(
        app, client, action="preview", category="incident:fire")).get_data(as_text=True)
    category = page.split('id="group-category"', 1)[1].split("</div>", 1)[0]
    assert "支出型案件只能选择疾病、教育或其他类别。" in category


def test_the_preview_shows_words_not_codes(app, login_as, session):
    found = make_household(session, "370811", dibao=True, dibao_recognised_on=dt.date(2026, 6, 1),
                           residency="residence_permit")
    session.commit()
    client = login_as("township_caseworker_370811")
    page = client.post(f"/intake/?id_number={found.id_number}", data=_form(app, client, action="preview"))
    verdict = page.get_data(as_text=True).split('id="verdict"', 1)[1]
    text = re.sub(r"<[^>]+>", " ", verdict)
    assert "local_hukou" not in text and "residence_permit" not in text and "verify_necessary_expenses" not in text
    assert "decision_due" not in text and ".yaml:" not in text
    assert "居住证" in text and "低保或特困家庭：请核实其申报的必要支出。" in text and "依据" in text
