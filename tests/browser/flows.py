"""The steps several roles' paths share, done the way a user does them on the screen."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from tests.browser.arrange import EXPENSES, INCOMES

CHINA = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def fill_figures(user, field: str, figures: list[str]) -> None:
    """Monthly figures: one field taking the row (as pasted from a spreadsheet), or one field a month."""
    single = user.named(field)
    if single.count() == 1:
        single.fill(", ".join(figures))
        return
    months = user.page.locator(f"[name^='{field}-']")
    assert months.count() >= len(figures), f"no field for each of the {len(figures)} months of {field}"
    for number, value in enumerate(figures):
        months.nth(number).fill(value)


def fill_time(locator, when: dt.datetime) -> None:
    """A time as the form takes it: a date-time picker, or the typed time with its zone."""
    if locator.get_attribute("type") == "datetime-local":
        locator.fill(when.strftime("%Y-%m-%dT%H:%M"))
    else:
        locator.fill(when.isoformat(timespec="minutes"))


def case_list_with(user, number: str) -> None:
    """The case list searched by case number (编号 starts with), as its search form sends it: the list
    runs by due date, so a case made late in a run may sit past the first page."""
    user.goto(f"/caseview/list/?_flt_0_number={number}")


def find_household(user, id_number: str) -> None:
    user.goto("/intake/")
    user.named("id_number").first.fill(id_number)
    user.submit(user.page.get_by_role("button", name=re.compile(r"^(查找家庭|Find household)$")))


def take_in(user, household, kind: str, category: str, **figures) -> str:
    """The caseworker takes a case in at the one window (一门受理); returns the case page's URL.

    ``kind`` and ``category`` are the names the user picks (支出型 / 急难型, 尿毒症 / 火灾 …); the
    expenditure figures default to a household that passes the expenditure tests."""
    find_household(user, household.id_number)
    user.sees(household.head_name)
    user.choose("救助类型", kind)
    user.choose("救助类别", category)
    user.field("申请日期").fill(figures.pop("application_date", today()).isoformat())
    if kind == "支出型":
        fill_figures(user, "monthly_income", figures.pop("monthly_income", INCOMES))
        fill_figures(user, "monthly_necessary_expenses", figures.pop("monthly_necessary_expenses", EXPENSES))
        user.field("金融资产").fill(figures.pop("financial_assets", "1000"))
        user.field("房产套数").fill(figures.pop("houses", "1"))
        user.field("机动车辆数").fill(figures.pop("vehicles", "0"))
    else:
        fill_time(user.named("reported_at"), figures.pop("reported_at",
                                                        dt.datetime.now(CHINA).replace(second=0, microsecond=0)))
    if "severity" in figures:
        user.choose("困难程度", figures.pop("severity"))
    for label, value in figures.items():
        user.field(label).fill(value)
    user.submit("预览认定结果")
    assert user.page.locator("#verdict").count(), f"no verdict previewed: {user.flash()} {user.text[-500:]}"
    user.submit("保存案件")
    assert re.search(r"/caseview/show/\d+", user.page.url), f"case not saved: {user.flash()}"
    return user.page.url.replace(user.server.base_url, "")


def step_form(user, label: str):
    """The form of one next step on the case page, found by its button."""
    return user.page.locator("form", has=user.button(label))


def offered_steps(user) -> list[str]:
    """The next steps the case page offers this user, by their buttons."""
    return [text.strip() for text in user.page.locator("form[action*='/transition/'] button").all_inner_texts()]


def take_step(user, label: str, **fields: str) -> None:
    """Take a step of the case (受理, 审核, 审批同意 …) with what it asks for, by its button."""
    form = step_form(user, label)
    assert form.count(), f"no step {label!r} offered to {user.username}: {user.text[:800]}"
    for name, value in fields.items():
        form.locator(f"[name='{name}']").fill(value)
    user.submit(form.get_by_role("button", name=re.compile(rf"^\W*{re.escape(label)}\W*$")))


def case_state(user) -> str:
    """The case's state as the case page names it."""
    row = user.page.locator("tr", has=user.page.locator("th", has_text=re.compile(r"^\s*(办理状态|State)\s*$")))
    return row.locator("td").first.inner_text().strip()
