"""Exports open in a spreadsheet as the list reads on screen, and never run what a household typed.

A household named ``=cmd`` or ``\\t=1+2`` would be a formula in a CSV opened by Excel (CSV injection,
issue #19): every CSV and workbook the office downloads — the lists, the bank batch file, the cash ledger
and the public disclosure list — neutralises such cells, while a reversal's negative amount stays a
number and a bank account stays text (not 6.23E+15).
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.models import Payment
from app.services.reversals import reverse_payment
from tests.conftest import csrf_token
from tests.payment_support import NOW, approved_case, region, user
from tests.support import make_household

#: a name with a tab or CR is refused when it is typed (hardening: no control characters in names), so
#: the names that reach an export start with the other formula characters; tab and CR cells are
#: neutralised all the same (tests/services/test_spreadsheets.py)
FORMULAS = ("=cmd", "@SUM(1+2)", "+1+2")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def _sheet(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == XLSX
    return load_workbook(io.BytesIO(response.data)).active


def _cells(ws) -> list:
    return [cell for row in ws.iter_rows() for cell in row]


def _no_formula_in_csv(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert cell[:1] not in ("=", "+", "@", "\t", "\r"), row
            assert not (cell.startswith("-") and not cell.replace("-", "", 1).replace(".", "", 1).isdigit()), row


def _no_formula_in_sheet(ws) -> None:
    for cell in _cells(ws):
        assert cell.data_type != "f", (cell.coordinate, cell.value)


@pytest.fixture()
def formula_households(session):
    return [make_household(session, "370811", head_name=name, bank_name="农商银行", bank_account="6231000011112222")
            for name in FORMULAS]


@pytest.mark.parametrize("name", FORMULAS)
def test_a_household_named_like_a_formula_is_text_in_the_household_csv(login_as, formula_households, name):
    rows = _csv(login_as("county_reviewer_370811").get("/householdview/export/"))
    _no_formula_in_csv(rows)
    assert any(("'" + name) in row for row in rows), "the name is kept, only neutralised"


@pytest.mark.parametrize("name", FORMULAS)
def test_a_household_named_like_a_formula_is_text_in_the_household_workbook(login_as, formula_households, name):
    ws = _sheet(login_as("county_reviewer_370811").get("/householdview/export/xlsx/"))
    _no_formula_in_sheet(ws)
    cell = next(c for c in _cells(ws) if c.value == name)
    assert cell.data_type == "s" and cell.quotePrefix
    account = next(c for c in _cells(ws) if c.value == "6231000011112222")
    assert account.data_type == "s", "the bank account is text, not 6.23E+15"


def test_list_exports_carry_the_labels_in_the_users_language(app, login_as, formula_households):
    client = login_as("county_reviewer_370811")
    zh = _csv(client.get("/householdview/export/"))[0]
    assert client.get("/lang/en").status_code == 302
    en = _csv(client.get("/householdview/export/"))[0]
    assert zh != en
    assert "户主姓名" in zh or any("\u4e00" <= ch <= "\u9fff" for ch in "".join(zh))
    assert all(h.isascii() for h in en), en


def test_the_case_list_exports_words_not_codes_or_html(app, session, rules, login_as):
    approved_case(app, session, rules, "1800", head_name="=cmd")
    client = login_as("county_reviewer_370811")
    rows = _csv(client.get("/caseview/export/"))
    _no_formula_in_csv(rows)
    text = "\n".join(",".join(r) for r in rows)
    for raw in ("None", "True", "False", "<span", "expenditure", "approved", "township_approver"):
        assert raw not in text, raw
    ws = _sheet(client.get("/caseview/export/xlsx/"))
    _no_formula_in_sheet(ws)
    amounts = [c.value for c in _cells(ws) if isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
    assert 1800 in amounts, "the approved amount is a number the spreadsheet sums"


def test_a_reversal_is_a_negative_number_in_the_payment_exports(app, session, rules, login_as):
    case = approved_case(app, session, rules, "1800", head_name="=cmd")
    from app.services.payments import record_payment

    done = record_payment(session, case, user(app, "finance_officer_370811"), "cash", "500", rules,
                          paid_on="2026-11-20", now=NOW)
    reverse_payment(session, done.payment, user(app, "finance_officer_370811"), "错付", rules, now=NOW)
    client = login_as("finance_officer_370811")
    rows = _csv(client.get("/paymentview/export/"))
    _no_formula_in_csv(rows)
    assert any("-500.00" in row for row in rows), rows
    ws = _sheet(client.get("/paymentview/export/xlsx/"))
    _no_formula_in_sheet(ws)
    assert -500 in [c.value for c in _cells(ws) if c.data_type == "n"], "the reversal stays a negative number"


def test_the_bank_file_keeps_accounts_as_text_and_names_harmless(app, session, rules, login_as):
    for name in FORMULAS:
        case = approved_case(app, session, rules, "1800", head_name=name)
        from app.services.payments import record_payment

        record_payment(session, case, user(app, "finance_officer_370811"), "bank_transfer", "1800", rules,
                       paid_on="2026-11-20", now=NOW)
    client = login_as("finance_officer_370811")
    county = region(session, "370811")
    made = client.post("/paymentbatchview/create/", data={"csrf_token": csrf_token(app, client),
                                                          "region": f"county:{county.id}"})
    assert made.status_code == 302
    batch_id = int(made.headers["Location"].rstrip("/").split("/")[-1])
    rows = _csv(client.get(f"/paymentbatchview/file/{batch_id}"))
    _no_formula_in_csv(rows)
    assert {"'=cmd", "'@SUM(1+2)", "'+1+2"} <= {row[1] for row in rows}
    ws = _sheet(client.get(f"/paymentbatchview/file/{batch_id}/xlsx"))
    _no_formula_in_sheet(ws)
    accounts = [c for c in _cells(ws) if c.value == "6231000011112222"]
    assert len(accounts) == len(FORMULAS) and all(c.data_type == "s" for c in accounts)
    assert 1800 * len(FORMULAS) in [c.value for c in _cells(ws) if c.data_type == "n"], "the total is a number"
    show = client.get(f"/paymentbatchview/show/{batch_id}").get_data(as_text=True)
    assert f"/paymentbatchview/file/{batch_id}/xlsx" in show


def test_the_ledger_and_disclosure_list_neutralise_formulas_in_csv_and_excel(app, session, rules, login_as):
    case = approved_case(app, session, rules, "1800", head_name="=cmd")
    from app.services.payments import record_payment

    record_payment(session, case, user(app, "finance_officer_370811"), "cash", "800", rules, paid_on="2026-11-20",
                   note="+1 @SUM(A1)", now=NOW)
    client = login_as("finance_officer_370811")
    town = case.township
    for base in ("/ledger", "/disclosure"):
        rows = _csv(client.get(f"{base}/csv?township_id={town.id}&month=2026-11"))
        _no_formula_in_csv(rows)
        assert any("800.00" in row for row in rows), (base, rows)
        _no_formula_in_sheet(_sheet(client.get(f"{base}/xlsx?township_id={town.id}&month=2026-11")))
    ledger = _csv(client.get(f"/ledger/csv?township_id={town.id}&month=2026-11"))
    assert any("'=cmd" in row for row in ledger) and any("'+1 @SUM(A1)" in row for row in ledger)


@pytest.mark.parametrize("url", ["/householdview/list/", "/caseview/list/", "/paymentview/list/",
                                 "/fundmovementview/list/", "/aidrecordview/list/"])
def test_every_list_offers_both_exports_to_who_may_export(login_as, url):
    page = login_as("supervisor_370811").get(url).get_data(as_text=True)
    base = url.rsplit("/list/", 1)[0]
    assert f'href="{base}/export/xlsx/' in page and f'href="{base}/export/' in page


def test_no_export_button_without_the_permission(login_as):
    page = login_as("finance_officer_370811").get("/caseview/list/").get_data(as_text=True)
    assert "/caseview/export/" not in page  # finance may list cases, not export them
    assert login_as("finance_officer_370811").get("/caseview/export/xlsx/").status_code in (302, 403)


def test_the_export_keeps_the_lists_filter(app, session, login_as, formula_households):
    make_household(session, "370811", head_name="普通户")
    client = login_as("county_reviewer_370811")
    rows = _csv(client.get("/householdview/export/?_flt_0_head_name=%3Dcmd"))
    assert [r for r in rows[1:] if "'=cmd" in r] and not [r for r in rows[1:] if "普通户" in r]


def test_amounts_in_the_list_export_are_numbers_with_two_decimals(app, session, rules, login_as):
    approved_case(app, session, rules, "1234.5")
    ws = _sheet(login_as("county_reviewer_370811").get("/caseview/export/xlsx/"))
    money = [c for c in _cells(ws) if c.data_type == "n" and c.value == Decimal("1234.5")]
    assert money and all(c.number_format == "0.00" for c in money)


def test_a_payment_row_reads_like_the_list(app, session, rules, login_as):
    case = approved_case(app, session, rules, "1800")
    from app.services.payments import record_payment

    record_payment(session, case, user(app, "finance_officer_370811"), "cash", "300", rules, paid_on="2026-11-20",
                   now=NOW)
    session.flush()
    assert session.query(Payment).count() >= 1
    rows = _csv(login_as("finance_officer_370811").get("/paymentview/export/"))
    text = "\n".join(",".join(r) for r in rows)
    assert "现金" in text and "cash" not in text and "None" not in text


def test_the_due_list_exports_only_what_is_due(app, session, rules, login_as):
    import datetime as dt

    from app.models.audit import utcnow

    due = approved_case(app, session, rules, "1800", head_name="到期户")
    due.due_at = utcnow() + dt.timedelta(hours=5)
    later = approved_case(app, session, rules, "1800", head_name="远期户")
    later.due_at = utcnow() + dt.timedelta(days=40)
    session.commit()
    client = login_as("township_approver_370811")
    assert 'href="/duecases/export/xlsx/' in client.get("/duecases/list/").get_data(as_text=True)
    text = "\n".join(",".join(r) for r in _csv(client.get("/duecases/export/")))
    assert "到期户" in text and "远期户" not in text
