"""Decision documents in the browser: from an approved case the caseworker opens its documents, reads the
approval decision as a page to print (words, no raw values), and records its delivery by post."""
from __future__ import annotations

from tests.browser.arrange import approved_case


def test_the_caseworker_prints_the_decision_and_records_its_delivery(open_as, live_server):
    case = approved_case(live_server, "370811", amount="2000")
    caseworker = open_as("township_caseworker_370811")
    caseworker.goto(case.url)
    caseworker.follow("文书与送达")
    caseworker.sees("临时救助审批决定书", "尚未登记送达。")
    printed = caseworker.page.locator("a.doc-page").first.get_attribute("href")
    caseworker.goto(printed).sees("临时救助审批决定书", case.number, "决定给予临时救助2000元", "依据")
    caseworker.goto(f"/document/{case.id}/")
    caseworker.named("method").select_option(label="邮寄送达")
    caseworker.fill_named(reference="EMS1122334455")
    caseworker.submit("登记送达").sees("送达情况已登记。", "EMS1122334455", "邮寄送达")
