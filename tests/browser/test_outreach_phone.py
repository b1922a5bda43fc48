"""Outreach on a phone (issue #13, 三、(一)(二)(六)): a grid worker reports a fire on a 360-pixel screen, the
township takes it into a case within its clock, and the grid worker sees the outcome; a report typed
without network waits in the phone and goes when the network returns; a resident finds the checklist,
self-checks, reports online and follows the case with its number and ID tail — all without sideways
scrolling."""
from __future__ import annotations

import re

import pytest

from tests.browser.arrange import new_household, new_id_number
from tests.browser.user import BrowserUser

COUNTY = "370811"
PHONE = {"width": 360, "height": 740}


@pytest.fixture()
def phone(request, browser, live_server):
    """``phone("grid_worker_370811")`` (or ``phone(None)`` for a resident, not logged in) on a 360 px screen."""
    users: list[BrowserUser] = []
    request.node.browser_users = users

    def _open(username: str | None) -> BrowserUser:
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE,
                                      is_mobile=True, has_touch=True)
        context.set_default_timeout(15_000)
        user = BrowserUser(context.new_page(), live_server, username or "resident")
        users.append(user)
        if username:
            user.login()
        return user

    yield _open
    for user in users:
        user.page.context.close()


@pytest.fixture()
def known_captcha(monkeypatch):
    from app.public import captcha

    monkeypatch.setattr(captcha, "new_text", lambda: "ACDE")  # the live server runs in this process


def fits_the_phone(user) -> None:
    width = user.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{user.page.url} is {width} px wide on a {PHONE['width']} px screen"


def report_fire(user, person: str, id_number: str = "") -> None:
    user.goto("/leads/report")
    fits_the_phone(user)
    user.fill_named(person_name=person, id_number=id_number, phone="13812345678", village="东风村",
                    address="东风村二组8号", description="夜里失火，房屋烧毁，一家人无处居住")
    user.named("township_id").select_option(index=1)
    user.named("category").select_option(label="火灾")


def test_a_fire_from_the_phone_becomes_a_case_and_the_grid_worker_sees_it(phone, open_as, live_server):
    household = new_household(live_server, COUNTY)
    grid = phone(f"grid_worker_{COUNTY}")
    report_fire(grid, household.head_name, household.id_number)
    grid.submit("提交线索")
    grid.sees("已报送乡镇", household.head_name, "等待乡镇（街道）处理")
    fits_the_phone(grid)
    number = re.search(r"XS\d{6}[0-9A-F]{8}", grid.text).group(0)

    township = open_as(f"township_caseworker_{COUNTY}")
    township.goto("/leads/inbox/")
    township.sees(number, "首次联系时限")
    township.follow(number)
    township.sees("已登记家庭")
    township.submit("转入受理")
    township.sees("正在受理线索", household.head_name)
    township.choose("困难程度", "较轻")
    township.field("申请金额").fill("800")
    township.submit("预览认定结果")
    township.submit("保存案件")
    assert re.search(r"/caseview/show/\d+", township.page.url), township.flash()
    case_path = township.page.url.replace(live_server.base_url, "")

    grid.goto("/leads/mine")
    grid.sees(number, "已转为救助个案")
    grid.does_not_see(household.id_number)
    fits_the_phone(grid)
    grid.goto(case_path, expect_status=None)  # the case itself stays closed to the grid worker
    grid.does_not_see(household.id_number, "先行救助")


def test_a_report_typed_offline_waits_in_the_phone_and_goes_when_online(phone):
    grid = phone(f"grid_worker_{COUNTY}")
    person = "离线测试户"
    report_fire(grid, person)
    grid.page.context.set_offline(True)
    grid.button("提交线索").click()
    grid.page.locator("#lead-queue-status").filter(has_text="无网络").wait_for()
    assert grid.page.evaluate("JSON.parse(localStorage.getItem('tempaid-leads')).length") == 1
    assert grid.named("person_name").input_value() == ""  # the form is free for the next report
    grid.page.context.set_offline(False)
    with grid.page.expect_navigation(url=re.compile(r"/leads/mine")):
        grid.page.evaluate("window.dispatchEvent(new Event('online'))")
    grid.checked().sees(person, "等待乡镇（街道）处理")
    assert grid.page.evaluate("JSON.parse(localStorage.getItem('tempaid-leads')).length") == 0


def test_a_resident_reads_the_checklist_self_checks_reports_and_follows_the_case(phone, open_as, live_server,
                                                                                known_captcha):
    resident = phone(None)
    resident.goto("/public/")
    fits_the_phone(resident)
    resident.follow("任城区")
    resident.sees("申请材料一次性告知", "火灾", "申请人居民身份证")
    fits_the_phone(resident)

    resident.follow("自我评估：我是否可能符合条件")
    resident.named("kind").select_option("emergency")
    resident.named("category").select_option(label="火灾")
    resident.fill_named(size="3")
    resident.submit("开始评估")
    resident.sees("您可能符合临时救助条件", "申请人居民身份证")
    fits_the_phone(resident)

    resident.goto(f"/public/{COUNTY}/report")
    id_number = new_id_number(COUNTY)
    resident.fill_named(person_name="网上报告户", id_number=id_number, phone="13912345678",
                        description="家中失火，需要帮助", captcha_answer="ACDE")
    resident.named("township_id").select_option(index=1)
    resident.named("category").select_option(label="火灾")
    fits_the_phone(resident)
    resident.submit("提交线索")
    resident.sees("报告已收到", "24 小时内")
    number = re.search(r"XS\d{6}[0-9A-F]{8}", resident.text).group(0)

    township = open_as(f"township_caseworker_{COUNTY}")
    township.goto("/leads/inbox/")
    township.sees(number, "网上报告")

    resident.goto("/public/status")
    resident.fill_named(number=number, id_tail="0000" if id_number[-4:] != "0000" else "1111", captcha_answer="ACDE")
    resident.submit("查询")
    resident.sees("没有与该编号和身份证号码后四位相符")
    resident.fill_named(number=number, id_tail=id_number[-4:], captcha_answer="ACDE")
    resident.submit("查询")
    resident.sees("等待乡镇（街道）处理", "办理时限").does_not_see("网上报告户", id_number)
    fits_the_phone(resident)
