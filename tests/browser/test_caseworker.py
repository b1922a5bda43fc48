"""The township caseworker's day: register a household, take cases of both kinds in at the one window.

Most applicants are neither dibao nor tekun households (二、（一）): registering one is the first thing
a caseworker does.
"""
from __future__ import annotations

import pytest

from tests.browser.arrange import case_number, new_household, new_id_number
from tests.browser.flows import case_list_with, find_household, take_in, today

CASEWORKER = "township_caseworker_370811"


def test_caseworker_registers_a_household_that_is_neither_dibao_nor_tekun(open_as):
    caseworker = open_as(CASEWORKER)
    id_number = new_id_number()
    find_household(caseworker, id_number)
    caseworker.follow("登记新家庭")
    assert caseworker.field("身份证号码").input_value() == id_number  # the ID typed is kept
    caseworker.fill(户主="马红梅", 住址="李营街道幸福路8号", 家庭人口="3")
    assert not caseworker.field("低保家庭").is_checked() and not caseworker.field("特困供养人员").is_checked()
    caseworker.submit("保存")
    assert "/householdview/show/" in caseworker.page.url, caseworker.flash()  # lands on the household
    caseworker.sees("马红梅", id_number, "李营街道幸福路8号", "否")
    caseworker.goto("/householdview/list/")
    caseworker.row_with("马红梅")
    caseworker.sees("马红梅")


def test_caseworker_takes_in_an_expenditure_case(open_as, live_server):
    household = new_household(live_server)
    caseworker = open_as(CASEWORKER)
    case_url = take_in(caseworker, household, "支出型", "尿毒症", **{"个人自负费用或损失": "20000"})
    caseworker.sees(household.head_name, "支出型", "尿毒症", "已申请", "受理")
    case_list_with(caseworker, case_number(live_server, case_url))
    caseworker.sees(household.head_name)
    assert case_url in caseworker.page.locator("a[href*='/caseview/show/']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")


def test_caseworker_takes_in_an_emergency_case(open_as, live_server):
    household = new_household(live_server)
    caseworker = open_as(CASEWORKER)
    find_household(caseworker, household.id_number)
    assert caseworker.named("reported_at").get_attribute("type") == "datetime-local"  # a picker, no +08:00
    take_in(caseworker, household, "急难型", "火灾", severity="较重", **{"个人自负费用或损失": "800"})
    caseworker.sees(household.head_name, "急难型", "火灾", "先行救助")


def test_intake_form_is_comfortable(open_as, live_server):
    household = new_household(live_server)
    caseworker = open_as(CASEWORKER)
    find_household(caseworker, household.id_number)
    assert caseworker.field("申请日期").input_value() == today().isoformat()  # today by default
    caseworker.choose("救助类型", "支出型")
    categories = caseworker.field("救助类别").evaluate(  # the options the user can pick
        "select => [...select.options].filter(o => !o.hidden && !o.disabled && o.style.display !== 'none')"
        ".map(o => o.text)")
    # only the chosen kind's categories: an expenditure case takes illness, education or other, never an
    # incident (an emergency may be an incident or a sudden grave illness, so it takes every category)
    assert "尿毒症" in categories and "火灾" not in categories
    assert caseworker.page.locator("[name^='monthly_income-']").count() == 12  # one labelled field a month
