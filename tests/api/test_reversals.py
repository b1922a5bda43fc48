"""Reversing a payment and the guarded pay step through the REST API: the same services as the screens,
a 4xx with the refusal's code and message for every refusal, documented in the OpenAPI spec."""
from __future__ import annotations

from tests.api.test_cases import bearer
from tests.payment_support import approved_case, emergency_case, funded, user


def _record(client, who, case, method, amount, **extra):
    response = client.post("/api/v1/payment/record", headers=who, json={
        "case_id": case.id, "method": method, "amount": amount, "paid_on": "2026-11-20", **extra})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def _error(response, status: int, code: str) -> str:
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    return error["message"]


def test_the_pay_step_and_the_internal_reopening_are_refused_by_hand(app, session, rules):
    case = approved_case(app, session, rules, "1800")
    session.commit()
    client, caseworker = app.test_client(), bearer(app, "township_caseworker_370811")
    unpaid = client.post(f"/api/v1/case/{case.id}/transition/pay", headers=caseworker, json={"date": "2026-11-20"})
    assert unpaid.status_code == 400
    assert unpaid.get_json()["error"]["code"] == "not_paid_in_full"
    done = _record(client, caseworker, case, "cash", "1800")
    assert done["case_state"] == "paid"
    by_hand = client.post(f"/api/v1/case/{case.id}/transition/reopen_payment", headers=caseworker,
                          json={"reason": "手工"})
    assert by_hand.status_code == 400 and by_hand.get_json()["error"]["code"] == "not_available"


def test_a_returned_transfer_is_reversed_through_the_api(app, session, rules):
    case = approved_case(app, session, rules, "1800")
    session.commit()
    client, finance = app.test_client(), bearer(app, "finance_officer_370811")
    _record(client, finance, case, "cash", "600")
    transfer = _record(client, finance, case, "bank_transfer", "1200")["payment"]
    url = f"/api/v1/payment/{transfer['id']}/reverse"
    no_reason = client.post(url, headers=finance, json={})
    _error(no_reason, 422, "invalid")
    assert no_reason.get_json()["error"]["field"] == "reason"
    done = client.post(url, headers=finance, json={"reason": "银行退回"})
    assert done.status_code == 201, done.get_data(as_text=True)
    body = done.get_json()
    assert (body["reversal"]["stage"], body["reversal"]["amount"], body["reversal"]["reverses_id"]) == (
        3, "-1200.00", transfer["id"])
    assert (body["case_state"], body["reopened"], body["paid"], body["remaining"]) == ("approved", True, "600.00",
                                                                                       "1200.00")
    shown = client.get(f"/api/v1/payment/case/{case.id}", headers=finance).get_json()
    assert [(p["stage"], p["amount"], p["reverses_id"], p["reversed_by_id"]) for p in shown["payments"]] == [
        (1, "600.00", None, None), (2, "1200.00", None, body["reversal"]["id"]),
        (3, "-1200.00", transfer["id"], None)]
    assert "reversed already" in _error(client.post(url, headers=finance, json={"reason": "再次"}), 409,
                                        "already_reversed")
    _error(client.post(f"/api/v1/payment/{body['reversal']['id']}/reverse", headers=finance,
                       json={"reason": "x"}), 409, "is_reversal")
    assert client.post(url, headers=bearer(app, "finance_officer_370881"),
                       json={"reason": "x"}).status_code == 404
    assert client.post(url, headers=bearer(app, "supervisor_370811"), json={"reason": "x"}).status_code in (401, 403)


def test_reversal_refusals_by_role_and_closed_case_and_the_fund_given_back(app, session, rules):
    client = app.test_client()
    caseworker, finance = bearer(app, "township_caseworker_370811"), bearer(app, "finance_officer_370811")
    closed = approved_case(app, session, rules, "500")
    emergency = emergency_case(app, session, rules, "800")
    funded(app, session, emergency.township, "10000")
    session.commit()
    paid = _record(client, caseworker, closed, "cash", "500")["payment"]
    assert client.post(f"/api/v1/case/{closed.id}/transition/close", headers=caseworker, json={}).status_code == 200
    assert "closed" in _error(client.post(f"/api/v1/payment/{paid['id']}/reverse", headers=caseworker,
                                          json={"reason": "x"}), 409, "case_closed")
    drawn = _record(client, caseworker, emergency, "cash", "800", from_reserve_fund=True)
    assert drawn["reserve_fund_balance"] == "9200.00"
    back = client.post(f"/api/v1/payment/{drawn['payment']['id']}/reverse", headers=caseworker,
                       json={"reason": "重复登记"}).get_json()
    assert (back["reserve_fund_balance"], back["case_state"], back["reopened"]) == ("10000.00", "pre_assisted", False)
    # the major flow's pay step is the finance officer's alone: a caseworker's reversal is refused with 403
    major = major_case(app, session, rules, "1800")
    session.commit()
    major_payment = _record(client, finance, major, "cash", "100")["payment"]
    _error(client.post(f"/api/v1/payment/{major_payment['id']}/reverse", headers=caseworker, json={"reason": "x"}),
           403, "role")


def major_case(app, session, rules, amount: str):
    """A major-hardship case (一事一议) approved by the county leading group for ``amount``."""
    from app.services.intake import intake
    from app.services.workflow import take
    from tests.payment_support import BANK, EXPENDITURE
    from tests.support import make_household

    case = intake(session, make_household(session, "370811", **BANK), {**EXPENDITURE, "severity": "major"},
                  user(app, "township_caseworker_370811"), rules)
    for who, name, fields in (("township_caseworker", "accept", {}),
                              ("county_reviewer", "draft_plan", {"note": "综合救助方案", "amount": amount}),
                              ("county_leading_group", "approve", {"amount": amount})):
        take(session, case, name, user(app, f"{who}_370811"), fields, rules)
    return case


def test_openapi_documents_the_reversal(app):
    spec = app.test_client().get("/api/v1/_openapi", headers=bearer(app, "admin")).get_json()
    operation = spec["paths"]["/api/v1/payment/{pk}/reverse"]["post"]
    assert {"201", "400", "403", "404", "409"} <= set(operation["responses"])


def test_a_transfer_sent_to_the_bank_is_reversed_only_when_the_bank_returned_it(app, session, rules):
    from app.services.batches import create_batch

    case = approved_case(app, session, rules, "900")
    session.commit()
    client, finance = app.test_client(), bearer(app, "finance_officer_370811")
    transfer = _record(client, finance, case, "bank_transfer", "900")["payment"]
    officer = user(app, "finance_officer_370811")
    create_batch(session, officer, officer.region)
    session.commit()
    url = f"/api/v1/payment/{transfer['id']}/reverse"
    assert "bank" in _error(client.post(url, headers=finance, json={"reason": "账号有误"}), 409, "sent_to_bank")
    returned = client.post(url, headers=finance, json={"reason": "银行退回：户名不符", "bank_returned": True})
    assert returned.status_code == 201 and returned.get_json()["reversal"]["amount"] == "-900.00"
