"""The county finance officer: payments in stages (二、（四）), the cash and in-kind ledger and the public
disclosure list, the bank transfer batch, and the township reserve funds (三、（五））."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.browser.arrange import approved_case

FINANCE = "finance_officer_370811"


def balance(row_text: str) -> Decimal:
    """The balance a fund's row shows (its first amount in yuan)."""
    return Decimal(re.search(r"\d[\d,]*\.\d{2}", row_text).group(0).replace(",", ""))


def pay(finance, case, method: str, amount: str) -> None:
    finance.goto(f"/paymentview/record/{case.id}")
    finance.named("method").select_option(label=method)
    finance.named("amount").fill(amount)
    finance.submit("登记本次发放")


def waiting_for_the_bank(finance, township: str) -> Decimal:
    """What the batch page shows waiting for the bank in ``township`` (other tests may leave some)."""
    finance.goto("/paymentbatchview/create/")
    rows = finance.page.locator("tr", has_text=township)
    return Decimal(re.findall(r"\d[\d,]*\.\d{2}", rows.first.inner_text())[-1].replace(",", "")) if rows.count() else Decimal(0)


def test_finance_pays_in_stages_and_sees_the_ledger_the_disclosure_list_and_the_bank_batch(open_as, live_server):
    case = approved_case(live_server, amount="2000")
    finance = open_as(FINANCE)
    waiting = waiting_for_the_bank(finance, case.household.township)
    pay(finance, case, "现金", "500.00")
    finance.sees("已登记第1次发放：500.00元。", "待发放 1500.00")
    pay(finance, case, "银行代发", "1500.00")
    finance.sees("审批金额已全部发放。", "办理状态 已发放")

    finance.goto("/ledger/")  # cash and in kind only: the bank transfer is in the batch
    row = finance.row_with(case.number)
    assert re.search(r"现金\s+500\.00", row.inner_text()), row.inner_text()
    assert "1500.00" not in row.inner_text()

    finance.goto("/disclosure/")
    name = case.household.head_name
    masked = name[0] + "*" * (len(name) - 2) + name[-1]  # the public list shows no whole name or ID number
    finance.does_not_see(name, case.household.id_number)
    rows = " ".join(finance.page.locator("tr", has_text=masked).all_inner_texts())
    # one row per household and cause: both methods named, the two stages summed (基层政务公开标准目录)
    assert re.search(r"银行代发 / 现金\s+2000\.00", rows), rows

    assert waiting_for_the_bank(finance, case.household.township) == waiting + Decimal("1500")
    finance.submit("生成批次")
    finance.sees(case.household.head_name, "1500.00")
    assert "/paymentbatchview/show/" in finance.page.url


def test_finance_allocates_to_a_township_reserve_fund(open_as, live_server):
    finance = open_as(FINANCE)
    finance.goto("/reservefundview/list/")
    before = balance(finance.row_with("李营街道").inner_text())
    finance.follow("登记备用金拨入")
    finance.named("township_id").select_option(label="任城区 李营街道")
    finance.fill_named(amount="5000", reason="县级追加拨付备用金")
    finance.submit("登记")
    finance.goto("/reservefundview/list/")
    assert balance(finance.row_with("李营街道").inner_text()) == before + Decimal("5000")


def test_reserve_fund_amounts_are_what_a_person_types(open_as, live_server):
    """The form itself refuses ``1e5`` before anything is sent (digits and two decimals, with the rule shown
    as the field's title); the server's own refusal of it is tested over HTTP (tests/views/)."""
    finance = open_as(FINANCE)
    finance.goto("/reservefundview/allocate/")
    finance.named("township_id").select_option(label="任城区 李营街道")
    finance.fill_named(amount="1e5", reason="误输")
    finance.button("登记").click()  # the browser does not send it: no page follows
    amount = finance.named("amount")
    assert amount.evaluate("field => field.validity.patternMismatch"), "1e5 was taken as an amount"
    assert amount.evaluate("field => field.validationMessage"), "the person is told nothing"
    assert "/reservefundview/allocate/" in finance.page.url
    assert amount.input_value() == "1e5"  # what was typed is kept
    finance.goto("/fundmovementview/list/")
    finance.does_not_see("100000.00", "误输")
