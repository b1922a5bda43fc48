"""The county's rule administrator raises a standard from a coming day: checks the change and its
impact, saves it with a reason, and finds it planned in the file and in the revisions.

曲阜市's file, so the other tests (任城区) keep their standards."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.arrange import category_codes
from tests.browser.flows import today

ADMIN = "rule_admin_370881"
STANDARD = "城市低保标准（元/人·月）"


def test_rule_administrator_raises_a_standard_previews_and_saves(open_as, live_server):
    codes = category_codes(live_server, "370881")
    admin = open_as(ADMIN)
    admin.goto("/ruleeditor/")
    admin.sees("曲阜市")
    admin.submit(admin.page.get_by_role("link", name="编辑", exact=True).first, allowed=codes)
    current = admin.field(STANDARD).input_value()
    raised = str(int(current) + 45)
    effective = (today() + dt.timedelta(days=1)).isoformat()
    admin.field("生效日期").fill(effective)
    admin.field(STANDARD).fill(raised)
    admin.field("修改理由").fill("提高城市低保标准")
    admin.submit(admin.button("检查并显示影响"), allowed=codes)
    diff = admin.page.locator("#diff").inner_text()
    assert f"+      {effective}: {raised}" in diff, diff
    admin.sees("影响")
    assert admin.field(STANDARD).input_value() == raised  # the preview keeps what was typed
    admin.submit("保存")
    admin.sees("已保存", "提高城市低保标准", "规则管理员")
    admin.goto("/ruleeditor/edit/370881", allowed=codes)
    admin.sees(f"{effective}: {raised} (计划施行)", f"{current} (施行中)")
