"""An emergency case (急难型): 乡镇人民政府（街道办事处）、县级民政部门应当在24小时内先行救助 (二、（二）1),
then 登记、补齐手续 within five working days, where the verdict's approval level applies; whoever gave the
pre-assistance does not also register it."""
from __future__ import annotations

import pytest

from tests.browser.arrange import new_household
from tests.browser.flows import case_state, offered_steps, take_in, take_step, today

COUNTY = "370811"


def test_township_caseworker_gives_pre_assistance_and_the_case_is_registered_and_paid(open_as, live_server):
    household = new_household(live_server, COUNTY)
    reviewer = open_as(f"county_reviewer_{COUNTY}")  # taken in at the county's window (一门受理)
    case_url = take_in(reviewer, household, "急难型", "火灾", severity="较重", **{"个人自负费用或损失": "800"})
    assert case_state(reviewer) == "已报告"
    reviewer.sees("先行救助时限")

    caseworker = open_as(f"township_caseworker_{COUNTY}")  # nobody pre-assists a case they took in themselves
    caseworker.goto(case_url)

    take_step(caseworker, "先行救助", amount="500", date=today().isoformat())
    assert case_state(caseworker) == "已先行救助", caseworker.flash()
    assert "登记、补齐手续" not in offered_steps(caseworker)

    approver = open_as(f"township_approver_{COUNTY}")
    approver.goto(case_url)
    take_step(approver, "登记、补齐手续", note="身份证、火灾证明已补齐")
    assert case_state(approver) == "已登记"

    finance = open_as(f"finance_officer_{COUNTY}")
    finance.goto(case_url)
    finance.follow("登记发放")
    finance.named("method").select_option(label="现金")
    finance.page.get_by_label("从乡镇备用金支取现金发放").check()
    finance.submit("登记本次发放")
    finance.sees("审批金额已全部发放。")
    finance.goto(case_url)
    assert case_state(finance) == "已发放"


def test_township_approver_gives_pre_assistance_on_a_county_level_case_and_the_county_registers(
        open_as, live_server):
    household = new_household(live_server, COUNTY)
    caseworker = open_as(f"township_caseworker_{COUNTY}")
    case_url = take_in(caseworker, household, "急难型", "火灾", severity="较重",
                       **{"个人自负费用或损失": "60000", "救助人数": "3"})
    caseworker.sees("县（市、区）")  # the full amount needs the county

    township = open_as(f"township_approver_{COUNTY}")
    township.goto(case_url)
    take_step(township, "先行救助", amount="1000", date=today().isoformat())  # at once, whatever the level
    assert case_state(township) == "已先行救助", township.flash()
    assert "登记、补齐手续" not in offered_steps(township)  # who gave it does not register it

    county = open_as(f"county_approver_{COUNTY}")
    county.goto(case_url)
    take_step(county, "登记、补齐手续", note="县级审批登记")
    assert case_state(county) == "已登记"
