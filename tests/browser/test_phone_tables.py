"""At 360 px in English — the longest words — a staff screen's wide tables scroll inside themselves and the
page itself never scrolls sideways: the case page's payments, the documents' deliveries, the cash ledger."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.arrange import approved_case
from tests.browser.user import BrowserUser

PHONE = {"width": 360, "height": 740}


@pytest.fixture()
def finance_on_a_phone(request, browser, live_server):
    context = browser.new_context(locale="en-GB", timezone_id="Asia/Shanghai", viewport=PHONE,
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    user = BrowserUser(context.new_page(), live_server, "finance_officer_370811")
    request.node.browser_users = [user]
    yield user.login("en")
    context.close()


def _paid_and_delivered(server):
    from app.models import Case
    from app.rules.inputs import CST
    from app.services.deliveries import record_delivery
    from app.services.payments import record_payment
    from app.services.rules import current_rules

    case = approved_case(server, amount="1800")
    today = dt.datetime.now(CST).date().isoformat()
    with server.app.app_context():
        session, sm = server.app.appbuilder.session, server.app.appbuilder.sm
        stored, rules = session.get(Case, case.id), current_rules()
        finance = sm.find_user(username="finance_officer_370811")
        record_payment(session, stored, finance, "cash", "600", rules, paid_on=today)
        record_delivery(session, stored, sm.find_user(username="township_caseworker_370811"), "approval", "post",
                        today, "Zhang Sanfeng, Room 1203, Building 7, Xingfu Road", signed=False,
                        reference="SF1234567890123456")
        session.commit()
    return case


def _page_width(user) -> int:
    return user.page.evaluate("document.documentElement.scrollWidth")


def test_wide_tables_scroll_inside_themselves_on_a_phone(finance_on_a_phone, live_server):
    case = _paid_and_delivered(live_server)
    for path in (case.url, f"/document/{case.id}/", "/ledger/"):
        finance_on_a_phone.goto(path)
        assert _page_width(finance_on_a_phone) <= PHONE["width"], f"{path} scrolls the whole page sideways"
