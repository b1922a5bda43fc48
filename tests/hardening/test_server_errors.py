"""Issue #19, server errors: each one a 4xx with a worded message, nothing half-saved; every answer carries a
request id; every server error is logged with its traceback and that id; error pages in the user's language."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from app.models import Household, RuleRevision
from tests.api.test_cases import bearer
from tests.conftest import csrf_token
from tests.rule_edit_support import served_copy
from tests.support import make_household

HUGE_ID = "9" * 20


@pytest.fixture(scope="module")
def finance(app):
    return bearer(app, "finance_officer_370811")


@pytest.mark.parametrize("view", ["householdview", "caseview", "paymentview", "referralview", "reservefundview",
                                  "users"])
def test_a_bulk_action_the_view_does_not_have_is_a_404(app, login_as, session, view):
    household = make_household(session, "370811")
    session.commit()
    client = login_as("city_bureau")
    client.get("/householdview/list/")
    answer = client.post(f"/{view}/action_post", data={"action": "muldelete", "rowid": [household.id],
                                                        "csrf_token": csrf_token(app, client)})
    assert answer.status_code == 404
    assert session.scalar(select(func.count()).select_from(Household).where(Household.id == household.id)) == 1


@pytest.mark.parametrize("query", ["month=0000-01", "month=9999-12", f"township_id={HUGE_ID}&month=2026-11",
                                   "township_id=-1&month=2026-11", "month=2026-13"])
@pytest.mark.parametrize("url", ["/api/v1/payment/ledger", "/api/v1/payment/disclosure"])
def test_ledger_parameters_out_of_range_are_a_400(app, finance, session, url, query):
    from app.services.users import home_region
    from app.models import Region

    town = home_region("township", session.scalar(select(Region).where(Region.code == "370811")))
    if "township_id" not in query:
        query += f"&township_id={town.id}"
    answer = app.test_client().get(f"{url}?{query}", headers=finance)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]


@pytest.mark.parametrize("query", ["month=0000-01", "month=9999-12", f"township_id={HUGE_ID}&month=2026-11"])
def test_ledger_screens_refuse_out_of_range_parameters_in_words(login_as, query):
    client = login_as("finance_officer_370811")
    for url in ("/ledger/", "/disclosure/", "/ledger/xlsx", "/disclosure/xlsx"):
        answer = client.get(f"{url}?{query}")
        assert answer.status_code < 500, (url, answer.status_code)


@pytest.mark.parametrize("url", [f"/api/v1/case/{HUGE_ID}/trail", f"/api/v1/case/{HUGE_ID}",
                                 f"/api/v1/payment/case/{HUGE_ID}", f"/api/v1/household/{HUGE_ID}"])
def test_a_twenty_digit_id_is_a_404(app, finance, url):
    assert app.test_client().get(url, headers=finance).status_code == 404


def test_a_twenty_digit_id_in_a_body_finds_nothing(app, finance):
    answer = app.test_client().post("/api/v1/payment/record", headers=finance, json={
        "case_id": int(HUGE_ID), "method": "cash", "amount": "100"})
    assert answer.status_code == 422  # no id the database can hold: refused on its field, never a 500
    assert answer.get_json()["error"]["field"] == "case_id"


@pytest.mark.parametrize("value", ["9" * (1024 * 1024 - 4096), "1e999999999", "9" * 5000 + "e999999"])
def test_a_huge_number_in_the_rule_editor_preview_is_refused_in_words(app, login_as, tmp_path, monkeypatch, value):
    from tests.views.test_rule_editor import URBAN, editor_post

    served_copy(app, tmp_path, monkeypatch)
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    answer = editor_post(app, admin, "370811", page, **{"effective": "2027-01-01", URBAN: value, "reason": "试"})
    assert answer.status_code == 200, answer.status_code
    assert "Traceback" not in answer.get_data(as_text=True)


def test_a_one_and_a_half_megabyte_number_in_the_rule_editor_is_a_worded_413(app, login_as, tmp_path, monkeypatch):
    from tests.views.test_rule_editor import URBAN, editor_post

    served_copy(app, tmp_path, monkeypatch)
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    answer = editor_post(app, admin, "370811", page, **{"effective": "2027-01-01", URBAN: "9" * (1536 * 1024),
                                                        "reason": "试"})
    assert answer.status_code == 413
    assert "1 MB" in answer.get_data(as_text=True) and "navbar" in answer.get_data(as_text=True)


def test_every_answer_carries_a_request_id(app, login_as, finance):
    answers = [app.test_client().get("/login/"), login_as("city_bureau").get("/householdview/list/"),
               app.test_client().get("/api/v1/case/", headers=finance), app.test_client().get("/no-such-page")]
    ids = [a.headers.get("X-Request-ID") for a in answers]
    assert all(ids) and len(set(ids)) == len(ids)


def _boom(*_args, **_kwargs):
    raise RuntimeError("the disk is on fire")


def test_an_api_server_error_is_logged_with_its_traceback_and_request_id(app, session, rules, finance, monkeypatch,
                                                                         caplog):
    from app.api import cases
    from tests.charity_support import make_case

    case = make_case(app, session, rules, approved=False)
    session.commit()
    monkeypatch.setattr(cases, "case_trail", _boom)
    with caplog.at_level(logging.ERROR, logger="tempaid.errors"):
        answer = app.test_client().get(f"/api/v1/case/{case.id}/trail", headers=finance)
    assert answer.status_code == 500
    request_id = answer.headers["X-Request-ID"]
    body = answer.get_json()
    assert body["error"]["code"] == "server_error" and request_id in body["error"]["message"]
    assert "the disk is on fire" not in answer.get_data(as_text=True)
    logged = [r for r in caplog.records if request_id in r.getMessage()]
    assert logged and logged[0].exc_info and "the disk is on fire" in str(logged[0].exc_info[1])


def test_the_500_page_shows_the_request_id_with_the_menu(app, login_as, monkeypatch, caplog):
    from app.views import households

    client = login_as("city_bureau")
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(households.HouseholdView, "list", _boom, raising=False)
    monkeypatch.setattr(app, "view_functions", {**app.view_functions, "HouseholdView.list": _boom})
    with caplog.at_level(logging.ERROR, logger="tempaid.errors"):
        page = client.get("/householdview/list/")
    text = page.get_data(as_text=True)
    assert page.status_code == 500
    request_id = page.headers["X-Request-ID"]
    assert re.search(rf'id="request-id">{request_id}<', text)
    assert "navbar" in text and "服务器" in text
    assert any(request_id in r.getMessage() and r.exc_info for r in caplog.records)


@pytest.mark.parametrize("lang,words", [("zh", "找不到"), ("en", "Not found")])
def test_the_404_page_is_in_the_users_language_with_the_menu_and_a_way_back(login_as, lang, words):
    client = login_as("township_caseworker_370811")
    client.get(f"/lang/{lang}")
    page = client.get("/householdview/show/999999999")
    text = page.get_data(as_text=True)
    assert page.status_code == 404
    assert words in text and "navbar" in text and "history.back()" in text


def test_the_403_page_is_in_the_users_language(app, login_as):
    from flask import abort

    client = login_as("township_caseworker_370811")

    def forbidden():
        abort(403)

    app.view_functions["HomeView.index"], original = forbidden, app.view_functions["HomeView.index"]
    try:
        page = client.get("/")
    finally:
        app.view_functions["HomeView.index"] = original
    assert page.status_code == 403 and "不允许" in page.get_data(as_text=True)


def test_an_api_404_is_in_the_error_shape(app, finance):
    answer = app.test_client().get("/api/v1/no-such-thing/", headers=finance)
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_a_form_without_its_csrf_token_gets_a_worded_page_with_the_menu(login_as):
    client = login_as("township_caseworker_370811")
    page = client.post("/householdview/add", data={"head_name": "王五"})
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "无法读取表单" in text and "navbar" in text
