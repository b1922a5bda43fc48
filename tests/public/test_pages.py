"""The public pages, no login, Chinese first: the checklist from the rule file, a self-check that stores
nothing, an online report that lands in the township's inbox (captcha, honeypot), the status look-up by
number and ID tail that leaks nothing, and the posted list without case numbers."""
import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Case, Lead
from app.models.audit import utcnow
from app.services.intake import intake
from app.services.users import home_region
from app.models import Region
from tests.public.support import form_tokens
from tests.services.test_workflow import user
from tests.support import make_household

FIRE = {"kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-11-30",
        "reported_at": "2026-11-30T09:00:00+08:00", "requested_amount": "800"}


def _township(session, county="370811"):
    return home_region("township", session.scalar(select(Region).where(Region.code == county)))


def test_the_county_page_lists_each_categorys_documents_from_the_rule_file(app, rules):
    page = app.test_client().get("/public/370811/").get_data(as_text=True)
    fire = next(c for c in rules.categories("370811") if c.code == "fire")
    assert fire.name in page and all(doc in page for doc in fire.documents)
    assert 'lang="zh-CN"' in page and 'name="viewport"' in page
    assert app.test_client().get("/public/999999/").status_code == 404


def test_the_self_check_says_may_qualify_and_what_to_bring_and_stores_nothing(app, session, rules):
    client = app.test_client()
    before = (session.scalar(select(func.count(Case.id))), session.scalar(select(func.count(AuditEntry.id))))
    answer = client.post("/public/370811/self-check", data={
        **form_tokens(client, "/public/370811/self-check"), "kind": "emergency", "category": "incident:fire",
        "severity": "light", "residency": "local_hukou", "area": "urban", "size": "3"})
    page = answer.get_data(as_text=True)
    fire = next(c for c in rules.categories("370811") if c.code == "fire")
    assert 'id="self-check-result"' in page and "alert-success" in page and fire.documents[0] in page
    assert (session.scalar(select(func.count(Case.id))), session.scalar(select(func.count(AuditEntry.id)))) == before


def test_a_bad_figure_in_the_self_check_is_named_on_its_field(app):
    client = app.test_client()
    page = client.post("/public/370811/self-check", data={
        **form_tokens(client, "/public/370811/self-check"), "kind": "expenditure", "category": "illness:uremia",
        "residency": "local_hukou", "area": "urban", "size": "0", "monthly_income": "1000",
        "monthly_necessary_expenses": "200", "financial_assets": "0", "houses": "1", "vehicles": "0",
        "cost": "20000"}).get_data(as_text=True)
    assert 'id="error-size"' in page and "self-check-result" not in page


def _report(client, session, **fields):
    data = {**form_tokens(client, "/public/370811/report"), "person_name": "吴十", "phone": "13700000000",
            "township_id": str(_township(session).id), "category": "incident:fire", "severity": "urgent",
            "description": "邻居家失火", "captcha_answer": "ACDE", **fields}
    return client.post("/public/370811/report", data=data)


def test_an_online_report_lands_in_the_township_inbox(app, session, login_as, known_captcha):
    client = app.test_client()
    sent = _report(client, session, id_number="")
    page = sent.get_data(as_text=True)
    assert sent.status_code == 200 and 'id="report-received"' in page and "24" in page
    lead = session.scalar(select(Lead).where(Lead.person_name == "吴十"))
    assert lead.source == "public" and lead.reported_by_id is None and lead.number in page
    inbox = login_as("township_caseworker_370811").get("/leads/inbox/").get_data(as_text=True)
    assert lead.number in inbox


@pytest.mark.parametrize("fields, error", [
    ({"captcha_answer": "XXXX"}, 'id="error-captcha"'),
    ({"captcha_answer": ""}, 'id="error-captcha"'),
    ({"website": "http://spam.example"}, 'id="lead-faults"'),
    ({"phone": ""}, 'id="error-phone"'),
    ({"township_id": "1"}, 'id="error-township_id"'),
])
def test_a_refused_report_saves_nothing(app, session, known_captcha, fields, error):
    before = session.scalar(select(func.count(Lead.id)))
    answer = _report(app.test_client(), session, **fields)
    assert answer.status_code == 400 and error in answer.get_data(as_text=True)
    assert session.scalar(select(func.count(Lead.id))) == before


def test_a_solved_captcha_is_good_once(app, session, known_captcha):
    client = app.test_client()
    data = {**form_tokens(client, "/public/370811/report"), "person_name": "郑一", "phone": "13700000001",
            "township_id": str(_township(session).id), "category": "incident:fire", "severity": "urgent",
            "description": "火灾", "captcha_answer": "ACDE"}
    assert client.post("/public/370811/report", data=data).status_code == 200
    again = client.post("/public/370811/report", data=data)
    assert again.status_code == 400 and 'id="error-captcha"' in again.get_data(as_text=True)


def _case(app, session):
    household = make_household(session, "370811", head_name="冯二")
    case = intake(session, household, FIRE, user(app, "township_caseworker_370811"), _rules(app))
    session.commit()
    return household, case


def _rules(app):
    from app.rules import load_rules

    return load_rules(app.config["RULES_DIR"])


def _look_up(client, number, tail):
    return client.post("/public/status", data={**form_tokens(client, "/public/status"), "number": number,
                                               "id_tail": tail, "captcha_answer": "ACDE"})


def test_the_status_look_up_shows_state_next_step_and_due_date_but_no_person(app, session, known_captcha):
    household, case = _case(app, session)
    answer = _look_up(app.test_client(), case.number, household.id_number[-4:])
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="status-result"' in page and case.number in page
    assert "冯二" not in page and household.id_number not in page
    assert not re.search(r"(?<![0-9A-Za-z])800(\.00)?(元| yuan)", page), "no amount"
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_wrong_tail_and_an_unknown_number_answer_alike(app, session, known_captcha):
    household, case = _case(app, session)
    wrong_tail = _look_up(app.test_client(), case.number, "0000" if household.id_number[-4:] != "0000" else "1111")
    unknown = _look_up(app.test_client(), case.number[:-1] + ("0" if case.number[-1] != "0" else "1"),
                       household.id_number[-4:])
    assert wrong_tail.status_code == unknown.status_code == 404
    strip = lambda page: page.split('id="status-error">')[1].split("<")[0]  # noqa: E731
    assert strip(wrong_tail.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))


def test_a_number_tried_with_too_many_wrong_tails_is_locked_for_the_day(app, session, known_captcha):
    from app.public import guard

    household, case = _case(app, session)
    tail = household.id_number[-4:]
    wrong = [f"{n:04d}" for n in range(20) if f"{n:04d}" != tail][:guard.LOOKUP_FAILURES_PER_NUMBER]
    for attempt in wrong:
        assert _look_up(app.test_client(), case.number, attempt).status_code == 404
    assert _look_up(app.test_client(), case.number, tail).status_code == 404  # even the right one, now


def test_the_look_up_hits_its_rate_limit_per_address(limited_app, known_captcha):
    client = limited_app.test_client()
    codes = [_look_up(client, f"370811{n:010d}", "1234").status_code for n in range(5)]
    assert codes[:3] == [404, 404, 404] and codes[3:] == [429, 429]
    other = limited_app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert _look_up(other, "3708110000000009", "1234").status_code == 404  # another address counts apart


def test_the_report_hits_its_rate_limit(limited_app, known_captcha):
    from app.models import Region

    with limited_app.app_context():
        town = limited_app.appbuilder.session.scalar(
            select(Region).where(Region.level == "township", Region.parent.has(Region.code == "370811")))
        town_id = str(town.id)
    client = limited_app.test_client()
    codes = []
    for n in range(3):
        data = {**form_tokens(client, "/public/370811/report"), "person_name": f"测试{n}", "phone": "13700000000",
                "township_id": town_id, "category": "incident:fire", "severity": "urgent",
                "description": "火灾", "captcha_answer": "ACDE"}
        codes.append(client.post("/public/370811/report", data=data).status_code)
    assert codes == [200, 200, 429]


def test_the_posted_list_is_masked_and_names_no_case(app, session, rules):
    """公示 as printed (张*丰, 3708**********1234), once the township has posted it — but never the case
    number, which with the ID tail the list shows would open the status look-up."""
    from app.services.disclosures import post_list
    from app.services.ledgers import Month
    from app.services.payments import record_payment
    from tests.payment_support import NOW, approved_case

    case = approved_case(app, session, rules, head_name="冯二")
    caseworker = user(app, "township_caseworker_370811")
    record_payment(session, case, caseworker, "cash", "1800", rules, paid_on=NOW.date(), now=NOW)
    session.commit()
    url = f"/public/370811/disclosure?township={case.township_id}&month={NOW:%Y-%m}"
    before = app.test_client().get(url).get_data(as_text=True)
    assert 'id="disclosure-table"' not in before and "本月名单尚未公示" in before
    month = Month.parse(f"{NOW:%Y-%m}")
    post_list(session, caseworker, case.township_id, month, rules, now=NOW + dt.timedelta(days=40))
    session.commit()
    page = app.test_client().get(url).get_data(as_text=True)
    assert 'id="disclosure-table"' in page and "冯*" in page and "1800" in page
    assert case.household.id_number not in page and case.number not in page and "冯二" not in page
    assert case.household.id_number[:4] + "**********" + case.household.id_number[-4:] in page
    api = app.test_client().get(f"/api/v1/public/counties/370811/disclosure?township={case.township_id}"
                                f"&month={NOW:%Y-%m}")
    assert api.status_code == 200 and api.get_json()["households"] == 1 and case.number not in api.get_data(as_text=True)
    county_wide = app.test_client().get(f"/api/v1/public/counties/370811/disclosure?month={NOW:%Y-%m}")
    assert county_wide.status_code == 404 and county_wide.get_json()["error"]["code"] == "not_posted"


def test_showing_a_form_draws_a_captcha_and_so_counts_under_the_read_limit(limited_app):
    client = limited_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.77"
    limit = int(limited_app.config["PUBLIC_READ_RATE_LIMIT"].split()[0])
    codes = [client.get("/public/status").status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit and codes[-1] == 429
