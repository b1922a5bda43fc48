"""Exports (#16, everyday comfort): every list exports as xlsx as well as CSV, and the bank file keeps
account numbers as text, so Excel never turns them into 6.23E+15."""
from __future__ import annotations

import re

import pytest

from tests.browser.arrange import approved_case
from tests.browser.test_finance import pay

FINANCE = "finance_officer_370811"
EXCEL = re.compile(r"Excel|xlsx", re.IGNORECASE)


def test_the_bank_file_as_xlsx_keeps_account_numbers_as_text(open_as, live_server, tmp_path):
    import openpyxl

    case = approved_case(live_server, "370811", amount="2000")
    finance = open_as(FINANCE)
    pay(finance, case, "银行代发", "2000.00")
    finance.goto("/paymentbatchview/create/")
    finance.named("region").select_option(label=case.household.township)
    finance.submit("生成批次")
    finance.sees(case.household.head_name)
    excel = finance.page.get_by_role("link", name=EXCEL)
    assert excel.count(), "the batch offers no xlsx bank file"
    with finance.page.expect_download() as download:
        excel.first.click()
    # saved under the name the browser offers: openpyxl (like Excel) goes by the file's extension
    saved = tmp_path / download.value.suggested_filename
    assert saved.suffix == ".xlsx", f"the bank file is offered as {saved.name}"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert case.household.bank_account in cells, cells  # text, not a number
    assert 2000 in cells or 2000.0 in cells  # the amount as a number


@pytest.mark.parametrize("username, path", [
    ("township_caseworker_370811", "/caseview/list/"),
    ("township_caseworker_370811", "/householdview/list/"),
    ("finance_officer_370811", "/paymentview/list/"),
    ("finance_officer_370811", "/fundmovementview/list/"),
])
def test_every_list_exports_as_xlsx_and_csv(open_as, username, path):
    user = open_as(username)
    user.goto(path)
    links = user.page.locator("a[href]")
    assert links.filter(has_text=EXCEL).count(), f"{path} has no xlsx export"
    assert links.filter(has_text=re.compile("CSV")).count(), f"{path} has no CSV export"
