"""``/api/v1/public/…``: the same as the pages over JSON, in the OpenAPI spec, without login; the captcha,
the honeypot and the one error shape; nothing personal in any answer."""
import json

import pytest
from sqlalchemy import func, select

from app.models import Lead, Region
from app.services.intake import intake
from app.services.users import home_region
from tests.api.test_cases import bearer
from tests.public.support import api_captcha
from tests.public.test_pages import FIRE
from tests.services.test_workflow import user
from tests.support import make_household


def _township_id(session) -> int:
    return home_region("township", session.scalar(select(Region).where(Region.code == "370811"))).id


def test_the_spec_documents_every_public_endpoint(app):
    spec = app.test_client().get("/api/v1/_openapi", headers=bearer(app, "admin")).get_json()
    paths = {p for p in spec["paths"] if p.startswith("/api/v1/public/")}
    assert paths == {"/api/v1/public/counties/{code}/checklist", "/api/v1/public/captcha",
                     "/api/v1/public/self-check", "/api/v1/public/report", "/api/v1/public/status",
                     "/api/v1/public/counties/{code}/disclosure"}
    assert "requestBody" in spec["paths"]["/api/v1/public/report"]["post"]


def test_the_checklist_and_an_unknown_county(app, rules):
    body = app.test_client().get("/api/v1/public/counties/370811/checklist").get_json()
    fire = next(c for c in body["categories"] if c["category"] == "incident:fire")
    assert fire["documents"] == list(next(c for c in rules.categories("370811") if c.code == "fire").documents)
    missing = app.test_client().get("/api/v1/public/counties/999999/checklist")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "no_county"


def test_the_self_check_over_json(app):
    client = app.test_client()
    ok = client.post("/api/v1/public/self-check", json={
        "county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
        "residency": "local_hukou", "area": "rural", "size": 2})
    assert ok.status_code == 200 and ok.get_json()["may_qualify"] is True and ok.get_json()["documents"]
    bad = client.post("/api/v1/public/self-check", json={
        "county": "370811", "kind": "emergency", "category": "incident:meteor", "residency": "local_hukou",
        "area": "rural", "size": 2})
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "category"


def test_a_report_over_json_lands_in_the_inbox(app, session, known_captcha):
    client = app.test_client()
    sent = client.post("/api/v1/public/report", json={
        "person_name": "陈三", "phone": "13600000000", "township_id": _township_id(session),
        "category": "incident:fire", "severity": "urgent", "description": "房屋失火",
        "captcha_token": api_captcha(client), "captcha_answer": "acde"})
    assert sent.status_code == 201, sent.get_data(as_text=True)
    body = sent.get_json()
    assert body["first_contact_within_hours"] == 24
    assert session.scalar(select(Lead).where(Lead.number == body["number"])).source == "public"


@pytest.mark.parametrize("change, status, code", [
    ({"captcha_answer": "ZZZZ"}, 400, "captcha"),
    ({"website": "x"}, 400, "refused"),
    ({"person_name": "", "description": ""}, 400, "required"),
])
def test_a_refused_report_over_json_saves_nothing(app, session, known_captcha, change, status, code):
    client = app.test_client()
    before = session.scalar(select(func.count(Lead.id)))
    body = {"person_name": "陈三", "phone": "13600000000", "township_id": _township_id(session),
            "category": "incident:fire", "severity": "urgent", "description": "房屋失火",
            "captcha_token": api_captcha(client), "captcha_answer": "ACDE", **change}
    answer = client.post("/api/v1/public/report", json=body)
    assert answer.status_code == status and answer.get_json()["error"]["code"] == code
    assert session.scalar(select(func.count(Lead.id))) == before
    if code == "required":
        assert set(answer.get_json()["error"]["fields"]) == {"person_name", "description"}


def test_the_status_over_json_gives_no_person_and_the_same_404_for_every_miss(app, session, rules, known_captcha):
    household = make_household(session, "370811", head_name="褚四")
    case = intake(session, household, FIRE, user(app, "township_caseworker_370811"), rules)
    session.commit()
    client = app.test_client()

    def ask(number, tail):
        return client.post("/api/v1/public/status", json={"number": number, "id_tail": tail,
                                                          "captcha_token": api_captcha(client),
                                                          "captcha_answer": "ACDE"})
    found = ask(case.number, household.id_number[-4:].lower())
    assert found.status_code == 200
    body = found.get_json()
    assert set(body) == {"number", "state", "next_steps", "due_on"} and body["number"] == case.number
    assert "褚四" not in found.get_data(as_text=True) and household.id_number not in found.get_data(as_text=True)
    wrong = ask(case.number, "0000" if household.id_number[-4:] != "0000" else "1111")
    unknown = ask("370811" + "9" * 14, household.id_number[-4:])
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()
    no_captcha = client.post("/api/v1/public/status", json={"number": case.number, "id_tail": "1234"})
    assert no_captcha.status_code == 422 and set(no_captcha.get_json()["error"]["fields"]) == {
        "captcha_token", "captcha_answer"}


@pytest.mark.parametrize("token, answer", [("\udead", "ABCD"), ("token", "\ud954\udf67")])
def test_a_captcha_no_text_can_carry_is_a_wrong_answer_not_a_server_error(app, token, answer):
    body = {"number": "370811202611020000AA", "id_tail": "1234", "captcha_token": token, "captcha_answer": answer}
    answer = app.test_client().post("/api/v1/public/status", data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "captcha"


@pytest.mark.parametrize("token, answer, field", [({"n": 1}, "ABCD", "captcha_token"), ("token", ["ABCD"], "captcha_answer")])
def test_a_captcha_that_is_no_text_is_refused_on_its_field(app, token, answer, field):
    body = {"number": "370811202611020000AA", "id_tail": "1234", "captcha_token": token, "captcha_answer": answer}
    answer = app.test_client().post("/api/v1/public/status", data=json.dumps(body), content_type="application/json")
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == field
