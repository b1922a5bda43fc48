"""Charity linkage (二、（五））: the caseworker refers a case whose need the government aid leaves open,
a charity of the county takes it from the pool, records its aid, and the case shows both."""
from __future__ import annotations

import re

import pytest

from tests.browser.arrange import approved_case

COUNTY = "370811"
PROJECT = "大病关爱项目（演示）"


def test_referral_pool_claim_and_aid(open_as, live_server):
    case = approved_case(live_server, COUNTY, amount="2000")
    caseworker = open_as(f"township_caseworker_{COUNTY}")
    caseworker.goto(case.url)
    caseworker.follow("转介慈善组织")
    caseworker.named("need").fill("透析费用每月仍缺口约3000元")
    caseworker.named("gap_money").fill("3000")
    caseworker.submit(caseworker.page.locator("#refer-form").get_by_role("button", name="转介慈善组织"))
    assert "/referralview/show/" in caseworker.page.url, caseworker.flash()

    charity = open_as(f"charity_staff_{COUNTY}")
    charity.goto("/referralpool/list/")
    charity.sees(case.number)
    charity.submit(charity.row_with(case.number).get_by_role("link").first)
    charity.sees("透析费用每月仍缺口约3000元", PROJECT)
    charity.submit("认领")
    charity.page.locator("[name='project_id']").select_option(index=0)
    charity.named("amount").fill("3000")
    charity.named("description").fill("资助三个月透析费用")
    charity.submit(charity.page.locator("#aid-form").get_by_role("button", name="登记救助"))
    records = charity.page.locator("#aid-records").inner_text()
    assert PROJECT in records and "3000.00" in records, records

    charity.goto("/charityprojectview/list/")
    row = charity.row_with(PROJECT).inner_text()
    assert re.search(r"100000\.00\s+9[0-9]000\.00", row), row  # the project's remainder went down

    caseworker.goto(case.url)
    caseworker.follow("政府救助与慈善救助")
    caseworker.sees("2000.00", "3000.00", PROJECT)
