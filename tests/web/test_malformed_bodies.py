"""A malformed body to any endpoint we wrote is refused with 422 naming its field, in the caller's
language, before any service runs: an unknown field, money sent as a JSON number, a date that is no
date, a field of the wrong type."""
from __future__ import annotations

import pytest

from tests.api.test_cases import bearer

#: (path, the user who may call it, a body with one fault, the field named)
FAULTS = [
    ("/api/v1/case/intake", "township_caseworker_370811", {"household_id": 1, "figures": {}, "surname": "x"}, "surname"),
    ("/api/v1/case/intake", "township_caseworker_370811", {"household_id": "1", "figures": {}}, "household_id"),
    ("/api/v1/case/preview", "township_caseworker_370811", {"figures": {}}, "household_id"),
    ("/api/v1/case/intake_passing", "township_caseworker_370811",
     {"person": {"name": "李四", "township": "370811001", "area": "martian"}, "figures": {}}, "person.area"),
    ("/api/v1/case/1/transition/approve", "township_approver_370811", {"amount": 2000}, "amount"),
    ("/api/v1/case/1/transition/pay", "township_approver_370811", {"date": "2026-13-01"}, "date"),
    ("/api/v1/case/1/objection", "township_caseworker_370811", {"raised_by": "村民"}, "content"),
    ("/api/v1/payment/record", "township_caseworker_370811", {"case_id": 1, "method": "cash", "amount": 1.5},
     "amount"),
    ("/api/v1/payment/record", "township_caseworker_370811", {"case_id": 1, "method": "cheque"}, "method"),
    ("/api/v1/payment/1/reverse", "finance_officer_370811", {"reason": "x", "bank_returned": "yes"}, "bank_returned"),
    ("/api/v1/reservefund/allocate", "finance_officer_370811",
     {"township_id": 1, "kind": "allocation_own", "amount": "1e5", "reason": "x"}, "amount"),
    ("/api/v1/paymentbatch/create", "finance_officer_370811", {"county_id": 99999999999999999999}, "county_id"),
    ("/api/v1/referral/refer", "township_caseworker_370811", {"case_id": 1, "need": "x" * 2001}, "need"),
    ("/api/v1/referral/1/aid", "charity_staff_370811", {"project_id": 1, "kind": "money"}, "amount"),
    ("/api/v1/referral/1/withdraw", "township_caseworker_370811", {"note": ["a"]}, "note"),
]


@pytest.mark.parametrize("path,who,body,field", FAULTS, ids=[f"{p} {f}" for p, _w, _b, f in FAULTS])
def test_a_malformed_body_is_refused_on_its_field(app, path, who, body, field):
    answer = app.test_client().post(path, json=body, headers=bearer(app, who))
    assert answer.status_code == 422, answer.get_data(as_text=True)
    error = answer.get_json()["error"]
    assert error["field"] == field and error["code"] == "invalid" and error["message"]


def test_the_refusal_is_in_the_callers_language(app):
    body = {"case_id": 1, "method": "cash", "amount": 1.5}
    who = bearer(app, "township_caseworker_370811")
    zh = app.test_client().post("/api/v1/payment/record", json=body, headers=who)
    en = app.test_client().post("/api/v1/payment/record?_l_=en", json=body, headers=who)
    assert "金额" in zh.get_json()["error"]["message"]
    assert "amount" in en.get_json()["error"]["message"].lower()
    unknown = app.test_client().post("/api/v1/payment/record", json={**body, "amount": "1", "extra": 1}, headers=who)
    assert unknown.get_json()["error"] == {"field": "extra", "message": "未知字段。", "code": "invalid"}


def test_a_query_rison_cannot_read_is_refused_not_a_server_error(app):
    """Found by the fuzzing: ``q=-5.4e+214`` broke rison's number parser inside FAB (a 500)."""
    answer = app.test_client().get("/api/v1/aidrecord/1?q=-5.4e%2B214", headers=bearer(app, "township_caseworker_370811"))
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "q"
