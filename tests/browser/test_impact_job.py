"""The rule administrator asks for the impact of a change in the background: the page with the progress
bar comes at once (here the job runs in the server's own process: no broker in the browser suite) and
shows the figures when the job is done; the page can be opened again later from its address."""
from __future__ import annotations

import datetime as dt

from tests.browser.arrange import approved_case, category_codes
from tests.browser.flows import today

ADMIN = "rule_admin_370811"
STANDARD = "城市低保标准（元/人·月）"


def test_the_impact_is_computed_in_the_background_with_a_progress_bar(open_as, live_server):
    approved_case(live_server, "370811")
    codes = category_codes(live_server, "370811")
    admin = open_as(ADMIN)
    admin.goto("/ruleeditor/edit/370811", allowed=codes)
    current = admin.field(STANDARD).input_value()
    admin.field("生效日期").fill((today() + dt.timedelta(days=1)).isoformat())
    admin.field(STANDARD).fill(str(int(current) + 30))
    admin.submit(admin.button("在后台测算影响"), allowed=codes)
    admin.sees("拟修改规则的影响")
    admin.page.wait_for_selector("#impact", timeout=60_000)  # the page refreshes itself until the run ends
    admin.sees("已完成", "100%", "申请")
    address = admin.page.url
    path = address[address.index("/ruleeditor/impact/370811/"):]
    applications = int(admin.page.locator(".impact-applications").inner_text())
    assert applications >= 1
    admin.goto("/")
    admin.goto(path)
    admin.sees("已完成")  # come back later: the figures are kept on the run
    assert int(admin.page.locator(".impact-applications").inner_text()) == applications
