"""The key pages in English (/lang/en): the same work, no Chinese-only names, no codes."""
from __future__ import annotations

import pytest

from tests.browser.arrange import approved_case, category_codes, new_household
from tests.browser.flows import case_list_with, find_household


def test_caseworker_key_pages_in_english(open_as, live_server):
    case = approved_case(live_server, "370811")
    household = new_household(live_server, "370811")
    caseworker = open_as("township_caseworker_370811", language="en")
    caseworker.goto("/")
    caseworker.sees("Cases", "Intake")
    find_household(caseworker, household.id_number)
    options = set(caseworker.field("Category").locator("option").all_inner_texts())
    codes = category_codes(live_server, "370811")
    shown_as_code = {code for code in codes if {code, code.replace("_", " ")} & options}
    assert not shown_as_code, f"categories shown by their code: {sorted(shown_as_code)}"
    case_list_with(caseworker, case.number)
    caseworker.sees(case.number, "Approved")
    caseworker.goto(case.url)
    caseworker.sees("Expenditure", "Approved")
    caseworker.does_not_see("uremia", "尿毒症")  # the category by its English name


@pytest.mark.parametrize("language, text, brand", [("zh", "没有这个页面", "临时救助管理"),
                                                   ("en", "not found", "Temporary Assistance")])
def test_an_unknown_page_answers_in_the_users_language_with_the_menu(open_as, language, text, brand):
    caseworker = open_as("township_caseworker_370811", language=language)
    caseworker.goto("/no-such-page/", expect_status=404)
    assert text.lower() in caseworker.text.lower()
    assert caseworker.page.locator(".navbar a[href='/intake/']").count()  # the menu, and a way back
    caseworker.follow(brand)  # the product's name, in the user's language, leads home


def test_finance_pages_in_english(open_as, live_server):
    approved_case(live_server, "370811")
    finance = open_as("finance_officer_370811", language="en")
    for path, title in (("/ledger/", "ledger"), ("/disclosure/", "public notice"), ("/paymentbatchview/list/", "batch"),
                        ("/reservefundview/list/", "reserve fund")):
        finance.goto(path)
        assert title in finance.text.lower(), f"{path} is not in English: {finance.text[:300]}"
