"""A caseworker takes cases from intake to approval through the screens."""
import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.models import AuditEntry, Case
from app.rules.inputs import CST
from tests.conftest import csrf_token
from tests.support import make_household

INCOMES = ", ".join(["300"] * 12)
EXPENSES = ", ".join(["100"] * 6)


def _form(app, client, **fields):
    data = {"kind": "expenditure", "category": "illness:uremia", "severity": "", "application_date": "2026-11-02",
            "cost": "2000", "monthly_income": INCOMES, "monthly_necessary_expenses": EXPENSES,
            "financial_assets": "1000", "houses": "1", "vehicles": "0", "csrf_token": csrf_token(app, client)}
    data.update(fields)
    return data


@pytest.fixture()
def household(session):
    household = make_household(session, "370811")
    session.commit()
    return household


def test_intake_finds_the_household_by_id_number(app, login_as, household):
    client = login_as("township_caseworker_370811")
    page = client.get(f"/intake/?id_number={household.id_number}").get_data(as_text=True)
    assert household.head_name in page and "illness:uremia" in page
    missing = client.get("/intake/?id_number=370881197506150020").get_data(as_text=True)
    assert 'name="category"' not in missing  # no form without a household in scope


def test_preview_shows_the_verdict_and_saves_nothing(app, session, login_as, household):
    client = login_as("township_caseworker_370811")
    page = client.post(f"/intake/?id_number={household.id_number}", data=_form(app, client, action="preview"))
    text = page.get_data(as_text=True)
    assert 'id="verdict"' in text and "家庭月人均净收入" in text and "counties/370811-rencheng.yaml" in text
    assert session.scalar(select(Case).where(Case.household_id == household.id)) is None


def test_bad_figures_are_explained_on_the_form(app, login_as, household):
    client = login_as("township_caseworker_370811")
    text = client.post(f"/intake/?id_number={household.id_number}",
                       data=_form(app, client, action="preview", monthly_income="300, 300")).get_data(as_text=True)
    group = text.split('id="group-monthly_income"', 1)[1].split('id="group-monthly_necessary_expenses"', 1)[0]
    assert "has-error" in text.split('id="group-monthly_income"', 1)[0][-80:] and "请填写全部 12 个月的数字。" in group
    assert "household.monthly_income" not in text


def test_expenditure_case_from_intake_to_approval(app, session, login_as, household):
    caseworker = login_as("township_caseworker_370811")
    saved = caseworker.post(f"/intake/?id_number={household.id_number}", data=_form(app, caseworker, action="save"))
    assert saved.status_code == 302
    case = session.scalar(select(Case).where(Case.household_id == household.id))
    assert saved.headers["Location"].endswith(f"/caseview/show/{case.id}")
    page = caseworker.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert 'id="checks"' in page and "/transition/" in page and 'id="trail"' in page
    assert f"/referralview/case/{case.id}" in page  # government and charity aid side by side
    # in the office's language: the checks and the eligibility by name, no raw values or codes
    assert "<td>家庭月人均净收入</td>" in page and "<td>net_income</td>" not in page
    shown = dict(re.findall(r'<th class="col-lg-2[^"]*">([^<]+)</th>\s*<td>\s*<span[^>]*>([^<]*)</span>', page))
    assert shown["符合条件"] == "是" and "困难程度" not in shown  # not True; a blank severity is left out, not None
    trail = page.split('id="trail"', 1)[1]
    taken_in = case.created_at if case.created_at.tzinfo else case.created_at.replace(tzinfo=dt.timezone.utc)
    assert taken_in.astimezone(CST).strftime("%Y-%m-%d %H:%M") in trail  # China time, not UTC
    assert '<td>录入申请</td>' in trail and ">intake" not in trail  # the action by name

    def step(client, name, **fields):
        response = client.post(f"/caseview/transition/{case.id}/{name}",
                               data={"csrf_token": csrf_token(app, client), **fields})
        assert response.status_code in (302, 422)  # done, or refused with the page shown again
        session.expire_all()
        return client.get(f"/caseview/show/{case.id}").get_data(as_text=True)

    step(caseworker, "accept")
    step(caseworker, "investigate", note="入户调查：情况属实")
    step(caseworker, "review", note="x")  # refused: a caseworker does not review
    assert session.get(Case, case.id).state == "investigated"
    approver = login_as("township_approver_370811")
    step(approver, "review", note="审核通过")
    step(approver, "approve", amount="2000")
    assert session.get(Case, case.id).state == "approved"
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)
                              .order_by(AuditEntry.id)).all()
    assert actions == ["intake", "accept", "investigate", "review", "approve"]


def test_notice_lists_the_documents(app, session, login_as, household, rules):
    from app.services.intake import intake
    from tests.services.test_workflow import CASES, user

    case = intake(session, household, CASES[0]["figures"], user(app, "township_caseworker_370811"), rules)
    session.commit()
    text = login_as("township_caseworker_370811").get(f"/caseview/notice/{case.id}").get_data(as_text=True)
    documents = next(c for c in rules.categories("370811") if c.code == "uremia").documents
    assert all(doc in text for doc in documents) and len(documents) >= 2


def test_due_list_marks_overdue_cases(app, session, login_as, household, rules):
    from app.services.intake import intake
    from tests.services.test_workflow import user

    fire = {"kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-01-05",
            "reported_at": "2026-01-05T20:00:00+08:00"}
    case = intake(session, household, fire, user(app, "township_caseworker_370811"), rules)
    session.commit()
    text = login_as("township_caseworker_370811").get("/duecases/list/").get_data(as_text=True)
    assert case.number in text and "label-danger" in text
    other = login_as("township_caseworker_370881").get("/duecases/list/").get_data(as_text=True)
    assert case.number not in other
    assert re.search(r"2026-01-06 20:00", text)


def test_emergency_case_through_the_screens(app, session, login_as, household):
    # dated before the 2026 opinion (2026-01-29): a light emergency then was pre-assisted, then registered
    caseworker = login_as("township_caseworker_370811")
    form = _form(app, caseworker, action="save", kind="emergency", category="incident:fire", severity="light",
                 application_date="2026-01-20", reported_at="2026-01-20T21:30", requested_amount="800",
                 monthly_income="", monthly_necessary_expenses="", financial_assets="", houses="", vehicles="", cost="")
    assert caseworker.post(f"/intake/?id_number={household.id_number}", data=form).status_code == 302
    case = session.scalar(select(Case).where(Case.household_id == household.id))
    assert case.flow == "emergency" and case.deadlines["pre_assist_due"]["due"] == "2026-01-21T21:30:00+08:00"
    approver = login_as("township_approver_370811")
    approver.post(f"/caseview/transition/{case.id}/pre_assist",
                  data={"csrf_token": csrf_token(app, approver), "amount": "800", "date": "2026-01-20"})
    registrar = login_as("county_approver_370811")  # whoever pre-assisted does not also register
    registrar.post(f"/caseview/transition/{case.id}/register",
                   data={"csrf_token": csrf_token(app, registrar), "note": "补齐手续"})
    approver = login_as("township_approver_370811")
    session.expire_all()
    case = session.get(Case, case.id)
    assert case.state == "registered" and case.deadlines["registration_due"]["due"] == "2026-01-27"
    page = approver.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert 'id="adjust"' in page
    approver.post(f"/caseview/adjust/{case.id}", data={"csrf_token": csrf_token(app, approver), "amount": "900",
                                                        "reason": "补发"})
    session.expire_all()
    assert str(session.get(Case, case.id).approved_amount) == "900.00"
    assert 'id="adjust"' not in caseworker.get(f"/caseview/show/{case.id}").get_data(as_text=True)
