"""``/api/v1/lead/``: the township's inbox over JSON, as the screens have it — scoped (another township's
lead is not found), accept / merge / close through the same services, each refusal on its field — and the
grid worker's own reports with the outcome only. Every answer validates against the OpenAPI document."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Case, Lead
from app.services.intake import intake
from app.services.leads import report
from tests.api.test_cases import bearer
from tests.services.test_leads import FIRE, good, township, user
from tests.support import fresh_id_number, make_household

CASEWORKER, OTHER_COUNTY, GRID = "township_caseworker_370811", "township_caseworker_370881", "grid_worker_370811"


def _lead(app, session, rules, **fields) -> Lead:
    lead = report(session, good(session, **fields), rules, user(app, GRID))
    session.commit()
    return lead


@pytest.fixture()
def api(app):
    client = app.test_client()

    def call(method, path, username=CASEWORKER, **kwargs):
        return client.open(f"/api/v1/lead/{path}", method=method, headers=bearer(app, username), **kwargs)
    return call


def test_the_inbox_lists_the_townships_open_leads_by_their_clock(app, session, rules, api):
    urgent, ordinary = _lead(app, session, rules, person_name="甲甲"), _lead(app, session, rules, severity="ordinary")
    body = api("GET", "?page_size=100").get_json()
    numbers = [row["number"] for row in body["result"]]
    assert {urgent.number, ordinary.number} <= set(numbers)
    assert numbers.index(urgent.number) < numbers.index(ordinary.number)  # 24 h before 72 h
    row = next(r for r in body["result"] if r["number"] == urgent.number)
    assert row["category_name"] == "火灾" and row["person_name"] == "甲甲" and row["overdue"] is False
    assert row["first_contact_due"].endswith("+08:00")


def test_another_countys_township_neither_lists_nor_reads_nor_handles_the_lead(app, session, rules, api):
    lead = _lead(app, session, rules)
    listed = api("GET", "?show=all&page_size=100", OTHER_COUNTY).get_json()["result"]
    assert lead.number not in {row["number"] for row in listed}
    assert api("GET", f"{lead.id}", OTHER_COUNTY).status_code == 404
    assert api("POST", f"{lead.id}/close", OTHER_COUNTY, json={"reason": "不是本辖区"}).status_code == 404
    session.expire_all()
    assert session.get(Lead, lead.id).state == "new"


def test_accept_takes_the_lead_into_a_case_and_the_grid_worker_sees_only_the_outcome(app, session, rules, api):
    household = make_household(session, "370811", head_name="李四")
    lead = _lead(app, session, rules, id_number=household.id_number, person_name="李四")
    shown = api("GET", f"{lead.id}").get_json()
    assert shown["id_number"] == household.id_number and shown["case"] is None
    answer = api("POST", f"{lead.id}/accept", json={"figures": FIRE})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    case = session.scalar(select(Case).where(Case.household_id == household.id))
    assert body["state"] == "accepted" and body["case"]["number"] == case.number
    assert case.incident == lead.description

    mine = api("GET", "mine", GRID)
    report_row = next(r for r in mine.get_json()["result"] if r["number"] == lead.number)
    assert report_row["outcome"] == {"case_number": case.number, "case_state": case.state, "close_reason": None}
    text = mine.get_data(as_text=True)
    assert household.id_number not in text and "李四" not in text
    assert api("POST", f"{lead.id}/close", json={"reason": "重复"}).status_code == 409  # handled already


def test_a_new_household_is_registered_from_the_body_each_fault_named(app, session, rules, api):
    lead = _lead(app, session, rules, person_name="赵六")
    missing = api("POST", f"{lead.id}/accept", json={"figures": FIRE})
    assert missing.status_code == 400 and missing.get_json()["error"]["field"] == "household"
    bad = api("POST", f"{lead.id}/accept", json={"figures": FIRE, "household": {
        "head_name": "赵六", "id_number": "123", "area": "rural", "residency": "local_hukou", "size": 0}})
    assert bad.status_code == 400 and set(bad.get_json()["error"]["fields"]) == {"household.id_number",
                                                                                  "household.size"}
    number = fresh_id_number()
    taken = api("POST", f"{lead.id}/accept", json={"figures": FIRE, "household": {
        "head_name": "赵六", "id_number": number, "area": "rural", "residency": "local_hukou", "size": 2}})
    assert taken.status_code == 200 and taken.get_json()["case"]["number"]


def test_a_bad_figure_saves_neither_household_nor_case(app, session, rules, api):
    lead = _lead(app, session, rules, person_name="孙七")
    number = fresh_id_number()
    answer = api("POST", f"{lead.id}/accept", json={"figures": {**FIRE, "category": "incident:meteor"},
                                                    "household": {"head_name": "孙七", "id_number": number,
                                                                  "area": "rural", "residency": "local_hukou",
                                                                  "size": 1}})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"].startswith("figures")
    session.expire_all()
    from app.models import Household

    assert session.scalar(select(Household).where(Household.id_number == number)) is None
    assert session.get(Lead, lead.id).state == "new"


def test_merge_and_close_name_their_fields(app, session, rules, api):
    lead = _lead(app, session, rules)
    unknown = api("POST", f"{lead.id}/merge", json={"case_number": "370811-2026-999999"})
    assert unknown.status_code == 400 and unknown.get_json()["error"]["field"] == "case_number"
    blank = api("POST", f"{lead.id}/close", json={"reason": "  "})
    assert blank.status_code == 400 and blank.get_json()["error"]["field"] == "reason"
    typo = api("POST", f"{lead.id}/close", json={"reasons": "已救助"})
    assert typo.status_code == 422 and typo.get_json()["error"]["field"] in ("reason", "reasons")
    household = make_household(session, "370811")
    case = intake(session, household, FIRE, user(app, CASEWORKER), rules)
    session.commit()
    merged = api("POST", f"{lead.id}/merge", json={"case_number": case.number})
    assert merged.status_code == 200 and merged.get_json()["case"]["id"] == case.id


def test_closing_shows_the_reason_to_the_grid_worker(app, session, rules, api):
    lead = _lead(app, session, rules)
    assert api("POST", f"{lead.id}/close", json={"reason": "经核实已由亲属救助"}).status_code == 200
    row = next(r for r in api("GET", "mine", GRID).get_json()["result"] if r["number"] == lead.number)
    assert row["state"] == "closed" and row["outcome"]["close_reason"] == "经核实已由亲属救助"


def test_roles_reach_only_what_roles_yaml_gives_them(app, session, rules, api):
    lead = _lead(app, session, rules, person_name="周八")
    assert api("GET", "", GRID).status_code == 403            # the grid worker has no inbox
    assert api("POST", f"{lead.id}/close", GRID, json={"reason": "x"}).status_code == 403
    assert api("POST", f"{lead.id}/close", "township_approver_370811", json={"reason": "x"}).status_code == 403
    supervisor = api("GET", f"{lead.id}", "supervisor_370811").get_json()
    assert supervisor["person_name"] == "周*" and supervisor["phone"] != "13800000000"


def test_bad_paging_is_named(api):
    assert api("GET", "?page_size=1000").get_json()["error"]["field"] == "page_size"
    assert api("GET", "?show=everything").get_json()["error"]["field"] == "show"
