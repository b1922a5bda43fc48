"""What every user expects of a day's work (#16, everyday comfort): a landing page with the user's to-do
list, their own profile and password, the steps offered only to whoever may take them."""
from __future__ import annotations

from tests.browser.arrange import reviewed_case, taken_in_case
from tests.browser.flows import offered_steps, step_form, take_step


def test_the_landing_page_lists_the_cases_waiting_for_the_users_step(open_as, live_server):
    waiting = taken_in_case(live_server, "370811")
    decided = reviewed_case(live_server, "370811")
    caseworker = open_as("township_caseworker_370811")
    caseworker.goto("/")
    caseworker.sees(waiting.number, waiting.household.head_name)
    caseworker.does_not_see(decided.number)  # not the caseworker's step
    approver = open_as("township_approver_370811")
    approver.goto("/")
    approver.sees(decided.number)


def test_every_user_sees_their_profile_and_changes_their_password(open_as):
    caseworker = open_as("township_caseworker_370811")
    caseworker.goto("/account/")
    caseworker.sees("乡镇经办人员", "李营街道")
    caseworker.follow("修改我的密码")
    assert caseworker.page.locator("input[type=password]").count() >= 2


def test_steps_are_offered_only_to_who_may_take_them_and_confirmed(open_as, live_server):
    county_level = reviewed_case(live_server, "370811", cost="30000")
    assert county_level.level == "county"
    township = open_as("township_approver_370811")
    township.goto(county_level.url)
    assert "审批同意" not in offered_steps(township)

    county = open_as("county_approver_370811")
    county.goto(county_level.url)
    approve, reject = county.button("审批同意"), county.button("不予救助")
    assert approve.get_attribute("class") != reject.get_attribute("class")  # they look different
    too_much = "999999"
    step_form(county, "审批同意").locator("[name='amount']").fill(too_much)
    take_step(county, "审批同意")
    assert county.dialogs, "approving asked for no confirmation"
    assert step_form(county, "审批同意").locator("[name='amount']").input_value() == too_much  # kept
