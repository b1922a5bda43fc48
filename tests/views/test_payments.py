"""Payments through the screens: a caseworker pays a case in stages, the case moves to paid; the monthly
ledger and disclosure list open in a spreadsheet with the right columns and totals; the bank batch file
has one row per payment and a total row, and no payment goes into two batches."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from app.extensions import db
from app.models import Payment
from app.services.payments import record_payment
from tests.conftest import csrf_token
from tests.payment_support import NOW, approved_case, emergency_case, funded, user

MONTH = "2026-11"


def _post(app, client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(app, client), **data})


def _english(client):
    assert client.get("/lang/en").status_code == 302
    return client


def _sheet(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.data)).active


@pytest.fixture()
def case(app, session, rules):
    case = approved_case(app, session, rules, "1800")
    session.commit()
    return case


def test_a_caseworker_pays_a_case_in_stages_on_the_screen(app, session, login_as, case):
    caseworker = login_as("township_caseworker_370811")
    found = caseworker.get(f"/paymentview/record/?number={case.number}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/paymentview/record/{case.id}")
    page = caseworker.get(f"/paymentview/record/{case.id}").get_data(as_text=True)
    assert 'id="payment-form"' in page and 'id="approved">1800.00' in page
    assert _post(app, caseworker, f"/paymentview/record/{case.id}", method="cash", amount="600",
                 paid_on="2026-11-20").status_code == 302
    refused = _post(app, caseworker, f"/paymentview/record/{case.id}", method="in_kind", amount="400",
                    paid_on="2026-11-21")
    assert refused.status_code == 200 and "alert-danger" in refused.get_data(as_text=True)  # items missing
    _post(app, caseworker, f"/paymentview/record/{case.id}", method="in_kind", amount="400", paid_on="2026-11-21",
          items="棉被两床")
    _post(app, caseworker, f"/paymentview/record/{case.id}", method="bank_transfer", amount="800",
          paid_on="2026-11-22")
    session.expire_all()
    assert case.state == "paid"
    assert [p.stage for p in session.scalars(select(Payment).where(Payment.case_id == case.id))] == [1, 2, 3]
    done = caseworker.get(f"/paymentview/record/{case.id}").get_data(as_text=True)
    assert 'id="payment-form"' not in done and 'id="remaining">0.00' in done
    # the finance officer of the county sees the three payments; another county sees none of them
    listing = login_as("finance_officer_370811").get("/paymentview/list/").get_data(as_text=True)
    assert listing.count(case.number) == 3
    other = login_as("township_caseworker_370881")
    assert case.number not in other.get("/paymentview/list/").get_data(as_text=True)
    assert other.get(f"/paymentview/record/{case.id}").status_code == 404


def test_finance_officers_pay_but_never_edit_cases(app, login_as, case):
    finance = login_as("finance_officer_370811")
    assert finance.get(f"/caseview/edit/{case.id}").status_code == 403
    assert _post(app, finance, f"/caseview/delete/{case.id}").status_code == 403
    assert finance.get(f"/paymentview/record/{case.id}").status_code == 200
    supervisor = login_as("supervisor_370811")
    assert supervisor.get("/paymentview/list/").status_code == 200
    assert supervisor.get(f"/paymentview/record/{case.id}").status_code == 403


@pytest.fixture()
def month_of_payments(app, session, rules):
    """In the caseworker's township in November: cash 600 + in kind 400 (张三丰), cash 500 from the reserve
    fund (李四, an emergency), a bank transfer 800 (王五); and a cash payment in October's neighbour county."""
    caseworker = user(app, "township_caseworker_370811")
    first = approved_case(app, session, rules, "1800", head_name="张三丰")
    record_payment(session, first, caseworker, "cash", "600", rules, paid_on="2026-11-20", now=NOW)
    record_payment(session, first, caseworker, "in_kind", "400", rules, paid_on="2026-11-21", items="米面油", now=NOW)
    second = emergency_case(app, session, rules, "500", head_name="李四")
    funded(app, session, second.township, "10000")
    record_payment(session, second, caseworker, "cash", "500", rules, paid_on="2026-11-20", from_reserve_fund=True,
                   now=NOW)
    third = approved_case(app, session, rules, "800", head_name="王五")
    record_payment(session, third, caseworker, "bank_transfer", "800", rules, paid_on="2026-11-22", now=NOW)
    elsewhere = approved_case(app, session, rules, "300", county="370881", head_name="赵六")
    record_payment(session, elsewhere, user(app, "township_caseworker_370881"), "cash", "300", rules,
                   paid_on="2026-11-20", now=NOW)
    session.commit()
    return {"first": first, "second": second, "third": third, "township": first.township}


def test_the_cash_ledger_lists_cash_and_in_kind_with_totals(app, login_as, month_of_payments):
    town = month_of_payments["township"]
    client = _english(login_as("finance_officer_370811"))
    page = client.get(f"/ledger/?township_id={town.id}&month={MONTH}").get_data(as_text=True)
    assert "张三丰" in page and "李四" in page and "王五" not in page  # the bank transfer is not a cash payment
    ws = _sheet(client.get(f"/ledger/xlsx?township_id={town.id}&month={MONTH}"))
    rows = list(ws.values)
    assert town.name in rows[0][0] and MONTH in rows[0][0]
    assert rows[1] == ("Paid on", "Case number", "Head of household", "Resident ID number", "Category", "Stage",
                       "Method", "Amount or value", "Items or service", "From the reserve fund", "Paid by", "Note")
    body, total = rows[2:-1], rows[-1]
    assert [(r[2], r[6], Decimal(str(r[7]))) for r in body] == [
        ("张三丰", "Cash", Decimal("600")), ("李四", "Cash", Decimal("500")), ("张三丰", "In kind", Decimal("400"))]
    assert [r[9] for r in body] == [None, "yes", None]
    assert (total[0], total[5], Decimal(str(total[7]))) == ("Total", 3, Decimal("1500"))
    assert sum(Decimal(str(r[7])) for r in body) == Decimal(str(total[7]))
    assert ws.cell(row=3, column=8).number_format == "0.00"


def test_the_ledger_masks_names_for_a_supervisor(app, login_as, month_of_payments):
    town = month_of_payments["township"]
    page = login_as("supervisor_370811").get(f"/ledger/?township_id={town.id}&month={MONTH}").get_data(as_text=True)
    assert "张三丰" not in page and "张**" in page
    assert month_of_payments["first"].household.id_number not in page


def test_the_disclosure_list_masks_names_and_id_numbers_and_adds_up(app, login_as, month_of_payments):
    town, first = month_of_payments["township"], month_of_payments["first"]
    client = _english(login_as("finance_officer_370811"))  # sees personal data whole, yet the list is masked
    printed = client.get(f"/disclosure/print?township_id={town.id}&month={MONTH}").get_data(as_text=True)
    assert "张*丰" in printed and "李*" in printed and "王*" in printed
    assert "张三丰" not in printed and first.household.id_number not in printed
    assert first.household.id_number[:4] + "**********" + first.household.id_number[-4:] in printed
    assert "赵*" not in printed  # another county's township
    ws = _sheet(client.get(f"/disclosure/xlsx?township_id={town.id}&month={MONTH}"))
    rows = list(ws.values)
    assert rows[1] == ("No.", "Name", "Resident ID number", "Category", "Method", "Amount")
    body, total = rows[2:-1], rows[-1]
    # one row per household and cause, its stages summed; first paid on the same day, by case number:
    # 李四's emergency was taken in first (January, before the 2026 opinion)
    assert [(r[1], r[4], Decimal(str(r[5]))) for r in body] == [
        ("李*", "Cash", Decimal("500")), ("张*丰", "Cash / In kind", Decimal("1000")),
        ("王*", "Bank transfer", Decimal("800"))]
    assert (total[0], total[1], Decimal(str(total[5]))) == ("Total", "3 households", Decimal("2300"))


def test_a_township_outside_the_jurisdiction_is_refused(app, login_as, month_of_payments, session):
    from tests.payment_support import region

    other = region(session, "370881001")
    client = login_as("finance_officer_370811")
    assert "赵六" not in client.get(f"/ledger/?township_id={other.id}&month={MONTH}").get_data(as_text=True)
    assert client.get(f"/disclosure/xlsx?township_id={other.id}&month={MONTH}").status_code == 400
    assert client.get(f"/ledger/xlsx?township_id={month_of_payments['township'].id}&month=2026-13").status_code == 400


def test_the_bank_batch_file_has_one_row_per_payment_and_a_total(app, session, rules, login_as, month_of_payments):
    caseworker = user(app, "township_caseworker_370811")
    extra = approved_case(app, session, rules, "1200", head_name="孙七")
    record_payment(session, extra, caseworker, "bank_transfer", "700.50", rules, paid_on="2026-11-23", now=NOW)
    session.commit()
    client = _english(login_as("finance_officer_370811"))
    waiting = client.get("/paymentbatchview/create/").get_data(as_text=True)
    assert 'id="waiting"' in waiting and "1500.50" in waiting
    county = month_of_payments["township"].parent
    made = _post(app, client, "/paymentbatchview/create/", region=f"county:{county.id}", note="11月第一批")
    assert made.status_code == 302, made.get_data(as_text=True)
    batch_id = int(made.headers["Location"].rstrip("/").split("/")[-1])
    text = client.get(f"/paymentbatchview/file/{batch_id}").get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["No.", "Payee", "Resident ID number", "Bank", "Bank account", "Amount", "Case number", "Stage",
                       "Paid on"]
    body, total = rows[1:-1], rows[-1]
    assert sorted(r[1] for r in body) == ["孙七", "王五"]
    assert all(r[4] == "6231000011112222" and len(r[2]) == 18 for r in body)  # whole, for the bank
    assert total[0] == "Total" and total[1] == "2" and total[5] == "1500.50"
    assert sum(Decimal(r[5]) for r in body) == Decimal(total[5])
    assert client.get(f"/paymentbatchview/file/{batch_id}").get_data(as_text=True) == text  # the same again
    # nothing is paid twice: the payments point at the batch, a second batch finds nothing
    session.expire_all()
    assert {p.batch_id for p in session.scalars(select(Payment).where(Payment.method == "bank_transfer",
                                                                       Payment.county_id == county.id))} == {batch_id}
    again = _post(app, client, "/paymentbatchview/create/", region=f"county:{county.id}")
    assert again.status_code == 200 and "alert-danger" in again.get_data(as_text=True)
    assert client.get(f"/paymentbatchview/show/{batch_id}").status_code == 200
    assert login_as("finance_officer_370881").get(f"/paymentbatchview/show/{batch_id}").status_code == 404
    assert login_as("township_caseworker_370811").get("/paymentbatchview/create/").status_code == 403


def test_finance_records_an_allocation_and_sees_a_low_balance(app, session, rules, login_as):
    town = user(app, "township_caseworker_370811").region
    finance = login_as("finance_officer_370811")
    level = rules.effective("370811", NOW.date())["reserve_fund"]["low_balance"]["value"]
    done = _post(app, finance, "/reservefundview/allocate/", township_id=town.id, kind="allocation_county",
                 amount=str(level - 1), reason="县级拨付")
    assert done.status_code == 302, done.get_data(as_text=True)
    shown = finance.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="low-balance"' in shown and "县级拨付" in shown  # the movement is listed on the fund's page
    listing = finance.get("/reservefundview/list/").get_data(as_text=True)
    assert "label-danger" in listing and town.name in listing
    _post(app, finance, "/reservefundview/allocate/", township_id=town.id, kind="allocation_own", amount="1",
          reason="乡镇本级")
    assert "label-danger" not in finance.get("/reservefundview/list/").get_data(as_text=True)
    refused = _post(app, finance, "/reservefundview/allocate/", township_id=town.id, kind="draw", amount="1",
                    reason="x")
    assert refused.status_code == 200 and "alert-danger" in refused.get_data(as_text=True)
    caseworker = login_as("township_caseworker_370811")
    assert caseworker.get("/reservefundview/list/").status_code == 200
    assert caseworker.get("/reservefundview/allocate/").status_code == 403
    assert login_as("supervisor_370811").get("/reservefundview/allocate/").status_code == 403


def _queries(client, url):
    seen = []

    def count(*_args, **_kwargs):
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize("url", ["/paymentview/list/?psize_PaymentView={n}",
                                 "/fundmovementview/list/?psize_FundMovementView={n}",
                                 "/reservefundview/list/?psize_ReserveFundView={n}"])
def test_finance_lists_cost_the_same_queries_whatever_their_size(app, session, rules, login_as, url):
    from app.services.reserve_funds import allocate
    from app.services.townships import townships_in_scope

    finance = user(app, "finance_officer_370811")
    caseworker = user(app, "township_caseworker_370811")
    for _ in range(6):
        record_payment(session, approved_case(app, session, rules, "100"), caseworker, "cash", "100", rules, now=NOW)
    for township in townships_in_scope(session, finance)[:6]:
        allocate(session, township, "allocation_county", "100", "拨付", finance)
    session.commit()
    client = login_as("city_bureau")
    _queries(client, url.format(n=2))  # warm-up
    assert _queries(client, url.format(n=2)) == _queries(client, url.format(n=6))
