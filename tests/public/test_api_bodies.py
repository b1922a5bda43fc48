"""The public API's bodies are loaded by their schemas (app/web/schemas/public.py) before any service reads
them: unknown fields refused, money a decimal string, counts whole numbers, a household of at least one
person — each fault named on its field, in the caller's language; the answers are what the document says."""
import pytest
from sqlalchemy import func, select

from app.models import Lead
from tests.public.support import api_captcha
from tests.public.test_api import _township_id
from tests.web.contract import ContractClient

FIRE_CHECK = {"county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
              "residency": "local_hukou", "area": "rural", "size": 2}
MEDICAL_CHECK = {"county": "370811", "kind": "expenditure", "category": "illness:leukemia",
                 "residency": "local_hukou", "area": "urban", "size": 3, "monthly_income": "1500",
                 "monthly_necessary_expenses": "3000.50", "financial_assets": "0", "houses": 1, "vehicles": 0,
                 "cost": "60000"}


@pytest.fixture()
def client(app, monkeypatch):
    monkeypatch.setattr(app, "test_client_class", ContractClient)
    return app.test_client()


def _refused(answer, status, field):
    assert answer.status_code == status, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["field"] == field and field in error.get("fields", {field: ""})
    return error


@pytest.mark.parametrize("change, field", [
    ({"size": 0}, "size"),
    ({"size": -2}, "size"),
    ({"size": "3"}, "size"),                      # a count is a JSON integer
    ({"monthly_income": 1500.5}, "monthly_income"),  # money is a decimal string, never a float
    ({"monthly_income": "1500.555"}, "monthly_income"),
    ({"houses": -1}, "houses"),
    ({"kind": "windfall"}, "kind"),
    ({"incomes": ["100"]}, "incomes"),             # a typo or an unknown field is refused, not ignored
])
def test_a_bad_self_check_body_is_refused_on_its_field(client, change, field):
    _refused(client.post("/api/v1/public/self-check", json={**MEDICAL_CHECK, **change}), 422, field)


def test_a_household_of_no_one_is_refused_in_chinese_and_in_english(client):
    zh = _refused(client.post("/api/v1/public/self-check", json={**FIRE_CHECK, "size": 0}), 422, "size")
    assert zh["message"] == "请填写不小于1的整数。"
    en = _refused(client.post("/api/v1/public/self-check?_l_=en", json={**FIRE_CHECK, "size": 0}), 422, "size")
    assert en["message"] == "A whole number, at least 1."


def test_a_missing_field_is_named(client):
    body = {key: value for key, value in FIRE_CHECK.items() if key != "residency"}
    error = _refused(client.post("/api/v1/public/self-check", json=body), 422, "residency")
    assert error["message"] == "缺少必填字段。"


def test_money_as_decimal_strings_reaches_the_engine(client):
    answer = client.post("/api/v1/public/self-check", json=MEDICAL_CHECK)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["category"] == "illness:leukemia" and {c["name"] for c in body["checks"]} >= {"residency"}


def test_the_self_check_page_refuses_a_household_of_no_one(app):
    from tests.public.support import form_tokens

    page_client = app.test_client()
    page = page_client.post("/public/370811/self-check", data={
        **form_tokens(page_client, "/public/370811/self-check"), "kind": "emergency", "category": "incident:fire", "severity": "light", "residency": "local_hukou",
        "area": "urban", "size": "0"}).get_data(as_text=True)
    assert 'id="error-size"' in page and "不小于1" in page and "self-check-result" not in page


def test_every_report_field_at_fault_is_named_and_nothing_is_saved(client, session, known_captcha):
    before = session.scalar(select(func.count(Lead.id)))
    answer = client.post("/api/v1/public/report", json={
        "person_name": "陈三", "township_id": "1", "category": "incident:fire", "severity": "sometimes",
        "description": "x" * 1001, "nickname": "bot", "captcha_token": api_captcha(client), "captcha_answer": "ACDE"})
    error = _refused(answer, 422, "description")
    assert set(error["fields"]) == {"phone", "township_id", "severity", "description", "nickname"}
    assert error["fields"]["nickname"] == "未知字段。" and "1000" in error["fields"]["description"]
    assert session.scalar(select(func.count(Lead.id))) == before


def test_a_report_answer_and_a_checklist_validate_against_the_document(client, session, known_captcha):
    sent = client.post("/api/v1/public/report", json={
        "person_name": "陈三", "phone": "13600000000", "township_id": _township_id(session),
        "category": "incident:fire", "severity": "urgent", "description": "房屋失火",
        "captcha_token": api_captcha(client), "captcha_answer": "ACDE"})
    assert sent.status_code == 201 and set(sent.get_json()) == {"number", "first_contact_within_hours"}
    assert client.get("/api/v1/public/counties/370811/checklist").status_code == 200
    assert client.get("/api/v1/public/captcha").status_code == 200


def test_the_document_gives_the_public_bodies_their_schemas_and_asks_no_login(app):
    from tests.web.contract import load_document

    paths = load_document(app)["paths"]
    for path, schema in (("/api/v1/public/self-check", "SelfCheckBody"), ("/api/v1/public/report", "ReportBody"),
                         ("/api/v1/public/status", "StatusBody")):
        operation = paths[path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(schema)
        assert "422" in operation["responses"] and not {"401", "403"} & set(operation["responses"])
    assert paths["/api/v1/public/report"]["post"]["responses"]["201"]["content"]["application/json"][
        "schema"]["$ref"].endswith("ReportSent")
