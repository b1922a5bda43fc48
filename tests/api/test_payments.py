"""Payments, batches and reserve funds through the REST API: the same services as the screens, money as
strings, jurisdiction and permissions as on the screens."""
from __future__ import annotations

import pytest

from tests.api.test_cases import bearer
from tests.payment_support import approved_case, emergency_case, user


@pytest.fixture()
def cases(app, session, rules):
    made = {"expenditure": approved_case(app, session, rules, "1800", head_name="张三丰"),
            "emergency": emergency_case(app, session, rules, "800", head_name="李四")}
    session.commit()
    return made


def test_stages_through_the_api_until_paid(app, cases):
    client, caseworker = app.test_client(), bearer(app, "township_caseworker_370811")
    case = cases["expenditure"]
    first = client.post("/api/v1/payment/record", headers=caseworker, json={
        "case_id": case.id, "method": "cash", "amount": "600", "paid_on": "2026-11-20"})
    assert first.status_code == 201, first.get_data(as_text=True)
    body = first.get_json()
    assert body["payment"]["stage"] == 1 and body["payment"]["amount"] == "600.00"
    assert (body["paid"], body["remaining"], body["complete"], body["case_state"]) == ("600.00", "1200.00", False,
                                                                                       "approved")
    too_much = client.post("/api/v1/payment/record", headers=caseworker, json={
        "case_id": case.id, "method": "cash", "amount": "1200.01"})
    assert too_much.status_code == 400 and too_much.get_json()["error"]["code"] == "above_approved"
    last = client.post("/api/v1/payment/record", headers=caseworker, json={
        "case_id": case.id, "method": "bank_transfer", "amount": "1200", "paid_on": "2026-11-21"})
    assert last.get_json()["complete"] is True and last.get_json()["case_state"] == "paid"
    progress = client.get(f"/api/v1/payment/case/{case.id}", headers=caseworker).get_json()
    assert [(p["stage"], p["method"], p["amount"]) for p in progress["payments"]] == [
        (1, "cash", "600.00"), (2, "bank_transfer", "1200.00")]
    listed = client.get("/api/v1/payment/?q=(page_size:100)", headers=caseworker).get_json()
    assert {r["amount"] for r in listed["result"]} == {"600.00", "1200.00"}
    other = bearer(app, "township_caseworker_370881")
    assert client.get(f"/api/v1/payment/case/{case.id}", headers=other).status_code == 404
    assert client.post("/api/v1/payment/record", headers=other, json={
        "case_id": case.id, "method": "cash", "amount": "1"}).status_code == 404
    supervisor = bearer(app, "supervisor_370811")
    assert client.post("/api/v1/payment/record", headers=supervisor, json={
        "case_id": case.id, "method": "cash", "amount": "1"}).status_code in (401, 403)


def test_funds_batches_ledger_and_disclosure_through_the_api(app, cases):
    client = app.test_client()
    finance, caseworker = bearer(app, "finance_officer_370811"), bearer(app, "township_caseworker_370811")
    town = user(app, "township_caseworker_370811").region
    allocated = client.post("/api/v1/reservefund/allocate", headers=finance, json={
        "township_id": town.id, "kind": "allocation_county", "amount": "5200", "reason": "县级拨付"})
    assert allocated.status_code == 201 and allocated.get_json()["balance"] == "5200.00"
    assert client.post("/api/v1/reservefund/allocate", headers=caseworker, json={
        "township_id": town.id, "kind": "allocation_county", "amount": "1", "reason": "x"}).status_code in (401, 403)
    paid = client.post("/api/v1/payment/record", headers=caseworker, json={
        "case_id": cases["emergency"].id, "method": "cash", "amount": "800", "paid_on": "2026-11-20",
        "from_reserve_fund": True})
    assert paid.status_code == 201 and paid.get_json()["reserve_fund_balance"] == "4400.00"
    assert paid.get_json()["warnings"] == ["reserve_fund_low"]
    funds = client.get("/api/v1/reservefund/?q=(page_size:100)", headers=finance).get_json()["result"]
    mine = next(f for f in funds if f["township"]["id"] == town.id)
    assert (mine["balance"], mine["low_balance"]) == ("4400.00", True) and mine["low_balance_level"]
    movements = client.get("/api/v1/fundmovement/?q=(page_size:100)", headers=finance).get_json()["result"]
    assert sorted(m["amount"] for m in movements) == ["-800.00", "5200.00"]

    client.post("/api/v1/payment/record", headers=caseworker, json={
        "case_id": cases["expenditure"].id, "method": "bank_transfer", "amount": "1800", "paid_on": "2026-11-21"})
    made = client.post("/api/v1/paymentbatch/create", headers=finance, json={"township_id": town.id})
    assert made.status_code == 201 and (made.get_json()["payment_count"], made.get_json()["total"]) == (1, "1800.00")
    rows = client.get(f"/api/v1/paymentbatch/{made.get_json()['id']}/rows", headers=finance).get_json()
    assert rows["rows"][0]["payee"] == "张三丰" and rows["total"] == "1800.00"
    again = client.post("/api/v1/paymentbatch/create", headers=finance, json={"township_id": town.id})
    assert again.status_code == 400 and again.get_json()["error"]["code"] == "nothing_to_batch"

    ledger = client.get(f"/api/v1/payment/ledger?township_id={town.id}&month=2026-11", headers=finance).get_json()
    assert (ledger["count"], ledger["total"]) == (1, "800.00") and ledger["rows"][0]["from_reserve_fund"] is True
    notice = client.get(f"/api/v1/payment/disclosure?township_id={town.id}&month=2026-11", headers=finance).get_json()
    assert sorted(r["name"] for r in notice["rows"]) == ["张*丰", "李*"]
    assert (notice["households"], notice["total"]) == (2, "2600.00")
    masked = client.get(f"/api/v1/payment/ledger?township_id={town.id}&month=2026-11",
                        headers=bearer(app, "supervisor_370811")).get_json()
    assert masked["rows"][0]["head_name"] == "李*"
    bad = client.get(f"/api/v1/payment/ledger?township_id={town.id}&month=11-2026", headers=finance)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "month_invalid"
