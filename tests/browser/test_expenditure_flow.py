"""An expenditure case (支出型) from the window to the money: 申请、受理、审核、审批 (二、（二）2) and
payment (二、（四）), each step by the role that takes it, each seen on the case page."""
from __future__ import annotations

import pytest

from tests.browser.arrange import new_household
from tests.browser.flows import case_state, offered_steps, step_form, take_in, take_step

COUNTY = "370811"


def test_expenditure_case_from_intake_to_paid(open_as, live_server):
    household = new_household(live_server, COUNTY)
    caseworker = open_as(f"township_caseworker_{COUNTY}")
    case_url = take_in(caseworker, household, "支出型", "尿毒症", **{"个人自负费用或损失": "2000"})
    assert case_state(caseworker) == "已申请"

    take_step(caseworker, "受理")
    assert "已办理：已受理" in caseworker.flash() and case_state(caseworker) == "已受理"
    take_step(caseworker, "入户调查（家计调查）", note="入户核实：家中三人，一人透析")
    assert case_state(caseworker) == "已调查"
    assert "审核" not in offered_steps(caseworker) and "审批同意" not in offered_steps(caseworker)

    reviewer = open_as(f"county_reviewer_{COUNTY}")
    reviewer.goto(case_url)
    take_step(reviewer, "审核", note="材料齐全，同意上报")
    assert case_state(reviewer) == "已审核"

    approver = open_as(f"township_approver_{COUNTY}")
    approver.goto(case_url)
    suggested = approver.named("amount", step_form(approver, "审批同意")).input_value()
    assert suggested, "the suggested amount is not offered"
    take_step(approver, "审批同意")
    assert case_state(approver) == "已审批"
    approver.sees("审批金额", suggested)

    finance = open_as(f"finance_officer_{COUNTY}")
    finance.goto(case_url)
    finance.follow("登记发放")
    finance.named("method").select_option(label="银行代发")
    assert finance.named("amount").input_value() == suggested  # what is still to pay
    finance.submit("登记本次发放")
    finance.sees("审批金额已全部发放。", "办理状态 已发放")  # paid in full marks the case paid
    finance.goto(case_url)
    assert case_state(finance) == "已发放"
    finance.sees("已发放", suggested, "待发放")
    finance.goto("/paymentview/list/")
    finance.sees(household.head_name)

