"""The landing page is each user's to-do list: the cases waiting for their step (as config/workflow.yaml
says who takes which step), what is due soon or overdue, the payments to record and the transfers to
batch, a charity's pool and claims, the rule editor — in their jurisdiction, each row a link, and at a
cost that does not grow with the county."""
from __future__ import annotations

import datetime as dt

from app.models.audit import utcnow
from app.services.intake import intake
from app.services.referrals import claim, refer
from app.services.workflow import take
from tests.charity_support import FIGURES, charity_staff, make_case, make_project, user
from tests.support import make_household
from tests.views.test_list_queries import _queries


def _section(page: str, key: str) -> str:
    """The HTML of one to-do panel (empty when the page has none)."""
    start = page.find(f'id="todo-{key}"')
    if start < 0:
        return ""
    end = page.find('id="todo-', start + 1)
    return page[start:end if end > 0 else len(page)]


def _case(app, session, rules, county="370811", steps=()):
    case = intake(session, make_household(session, county), FIGURES, user(app, f"township_caseworker_{county}"),
                  rules)
    for role, name, fields in steps:
        take(session, case, name, user(app, f"{role}_{county}"), fields, rules)
    return case


INVESTIGATED = (("township_caseworker", "accept", {}), ("township_caseworker", "investigate", {"note": "入户调查"}))


def test_the_approver_sees_the_case_waiting_for_review_and_the_caseworker_does_not(app, session, rules, login_as):
    case = _case(app, session, rules, steps=INVESTIGATED)
    session.commit()
    approver = login_as("township_approver_370811").get("/").get_data(as_text=True)
    steps = _section(approver, "steps")
    assert case.number in steps and f'href="/caseview/show/{case.id}"' in steps
    assert "审核" in steps, "the step the approver may take, by name"
    caseworker = _section(login_as("township_caseworker_370811").get("/").get_data(as_text=True), "steps")
    assert case.number not in caseworker, "review is not the caseworker's step"


def test_a_new_application_waits_for_the_caseworkers_acceptance(app, session, rules, login_as):
    case = _case(app, session, rules)
    session.commit()
    steps = _section(login_as("township_caseworker_370811").get("/").get_data(as_text=True), "steps")
    assert case.number in steps and "受理" in steps


def test_nobody_is_asked_to_review_what_they_took_in_themselves(app, session, rules, login_as):
    reviewer = user(app, "county_reviewer_370811")
    case = intake(session, make_household(session, "370811"), FIGURES, reviewer, rules)
    take(session, case, "accept", reviewer, {}, rules)
    take(session, case, "investigate", reviewer, {"note": "入户调查"}, rules)
    session.commit()
    steps = _section(login_as("county_reviewer_370811").get("/").get_data(as_text=True), "steps")
    assert case.number not in steps, "review forbids self-approval: not the intake user's to-do"
    assert case.number in _section(login_as("township_approver_370811").get("/").get_data(as_text=True), "steps")


def test_cases_of_another_county_are_never_on_the_list(app, session, rules, login_as):
    other = _case(app, session, rules, county="370881", steps=INVESTIGATED)
    session.commit()
    page = login_as("county_approver_370811").get("/").get_data(as_text=True)
    assert other.number not in page


def test_due_soon_and_overdue_in_the_users_jurisdiction(app, session, rules, login_as):
    case = _case(app, session, rules)
    case.due_at = utcnow() - dt.timedelta(hours=2)
    later = _case(app, session, rules)
    later.due_at = utcnow() + dt.timedelta(days=30)
    session.commit()
    due = _section(login_as("supervisor_370811").get("/").get_data(as_text=True), "due")
    assert case.number in due and later.number not in due
    assert "label-danger" in due, "marked overdue"


def test_finance_sees_the_payments_to_record_and_the_transfers_to_batch(app, session, rules, login_as):
    case = make_case(app, session, rules)
    session.commit()
    page = login_as("finance_officer_370811").get("/").get_data(as_text=True)
    to_pay = _section(page, "pay")
    assert case.number in to_pay and f'href="/paymentview/record/{case.id}"' in to_pay
    assert _section(page, "batches"), "the bank batches section"
    assert 'id="todo-pool"' not in page and 'id="todo-rules"' not in page


def test_the_charity_sees_its_pool_and_its_claims(app, session, rules, login_as):
    make_project(session, charity_staff(app).charity, "大病救助", "10000", ("illness",), ("370811",))
    waiting = refer(session, make_case(app, session, rules), user(app, "township_caseworker_370811"), "医疗费缺口",
                    gap_money="500")
    claimed = refer(session, make_case(app, session, rules), user(app, "township_caseworker_370811"), "医疗费缺口",
                    gap_money="700")
    claim(session, claimed, charity_staff(app))
    session.commit()
    page = login_as("charity_staff_370811").get("/").get_data(as_text=True)
    assert f'href="/referralview/show/{waiting.id}"' in _section(page, "pool")
    assert f'href="/referralview/show/{claimed.id}"' in _section(page, "claims")
    assert f'href="/referralview/show/{claimed.id}"' not in _section(page, "pool")
    assert 'id="todo-steps"' not in page, "a charity takes no case step"


def test_the_rule_administrator_is_led_to_the_rule_editor(login_as):
    page = login_as("rule_admin_370811").get("/").get_data(as_text=True)
    assert 'id="open-rule-editor"' in page and 'href="/ruleeditor/' in page
    assert 'id="todo-steps"' not in page


def test_the_page_is_in_english_on_request(login_as):
    client = login_as("township_approver_370811")
    assert client.get("/lang/en").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Cases waiting for your step" in page and "Due soon and overdue" in page


def test_the_to_do_list_costs_the_same_queries_for_one_case_or_many(app, session, rules, login_as):
    client = login_as("finance_officer_370811")
    make_case(app, session, rules)
    session.commit()
    _queries(app, client, "/")  # warm-up
    few = _queries(app, client, "/")
    for _ in range(5):
        make_case(app, session, rules)
    session.commit()
    _queries(app, client, "/")  # the commit expired the logged-in user: reloaded once
    assert _queries(app, client, "/")[0] == few[0]


REVIEWED = INVESTIGATED + (("county_reviewer", "review", {"note": "审核"}),)


def _reviewed(app, session, rules, cost: str = "2000"):
    figures = {**FIGURES, "cost": cost}
    case = intake(session, make_household(session, "370811"), figures, user(app, "township_caseworker_370811"), rules)
    for role, name, fields in REVIEWED:
        take(session, case, name, user(app, f"{role}_370811"), fields, rules)
    return case


def _steps_of(login_as, username: str) -> str:
    return _section(login_as(username).get("/").get_data(as_text=True), "steps")


def test_a_reviewed_case_waits_for_the_approval_of_its_level_only(app, session, rules, login_as):
    township = _reviewed(app, session, rules)
    county = _reviewed(app, session, rules, cost="30000")
    assert (township.approval_level, county.approval_level) == ("township", "county")
    session.commit()
    steps = _steps_of(login_as, "township_approver_370811")
    assert township.number in steps and "审批同意" in steps, "the approval is the township approver's step"
    assert county.number not in steps, "a county-level approval is not the township approver's to-do"
    assert county.number in _steps_of(login_as, "county_approver_370811")


def test_a_case_being_posted_waits_for_nobody_until_its_period_has_run(app, session, rules, login_as):
    from app.models.posting import CasePosting, PostingObjection
    from app.services.posting import china_today

    case = _reviewed(app, session, rules)
    today = china_today()
    posting = CasePosting(case_id=case.id, opened_on=today, working_days=5, ends_on=today + dt.timedelta(days=7),
                          opened_by_id=user(app, "county_reviewer_370811").id)
    session.add(posting)
    session.commit()
    assert case.number not in _steps_of(login_as, "township_approver_370811"), "approval refused while posted"
    posting.ends_on = today - dt.timedelta(days=1)
    objection = PostingObjection(case_id=case.id, raised_by="邻居", content="收入不实",
                                 recorded_by_id=user(app, "county_reviewer_370811").id)
    session.add(objection)
    session.commit()
    assert case.number not in _steps_of(login_as, "township_approver_370811"), "an objection is open"
    objection.resolved_at, objection.resolution = utcnow(), "已核实"
    session.commit()
    assert case.number in _steps_of(login_as, "township_approver_370811"), "the period has run, nothing open"


def test_whoever_takes_applications_starts_the_day_at_the_one_window(login_as):
    page = login_as("township_caseworker_370811").get("/").get_data(as_text=True)
    actions = page[page.find('id="quick-actions"'):]
    assert 'href="/intake/"' in actions and "一门受理" in actions and 'href="/intake/passing"' in actions
    assert 'id="quick-actions"' not in login_as("charity_staff_370811").get("/").get_data(as_text=True)


def test_a_section_past_the_cap_counts_to_it_and_says_there_are_more(app, session, rules, login_as, monkeypatch):
    """A city's landing page never counts a million cases: a section stops at the cap and its badge reads
    "cap+"; at or below the cap the count is exact."""
    from app.services import todo

    monkeypatch.setattr(todo, "COUNT_CAP", 2)
    cases = [_case(app, session, rules) for _ in range(2)]
    session.commit()
    steps = _steps_of(login_as, "township_caseworker_370811")
    assert '<span class="badge">2</span>' in steps and all(case.number in steps for case in cases)
    cases.append(_case(app, session, rules))
    session.commit()
    steps = _steps_of(login_as, "township_caseworker_370811")
    assert '<span class="badge">2+</span>' in steps
    assert all(case.number in steps for case in cases), "the rows are not cut by the count's cap"
