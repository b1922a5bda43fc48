"""The city bureau (市民政局) sees every county of the city, and may approve any case directly
(二、（二）另外)."""
from __future__ import annotations

import pytest

from tests.browser.arrange import approved_case, reviewed_case
from tests.browser.flows import case_list_with, case_state, take_step

CITY = "city_bureau"


def test_city_bureau_sees_every_county_and_approves_directly(open_as, live_server):
    rencheng = approved_case(live_server, "370811")
    qufu = reviewed_case(live_server, "370881")
    city = open_as(CITY)
    city.goto("/caseview/list/")
    case_list_with(city, rencheng.number)
    assert "任城区" in city.row_with(rencheng.number).inner_text()
    case_list_with(city, qufu.number)
    assert "曲阜市" in city.row_with(qufu.number).inner_text()
    city.goto("/duecases/list/")
    city.goto(qufu.url)
    take_step(city, "审批同意")
    assert case_state(city) == "已审批"
    city.goto("/ledger/")
    city.goto("/disclosure/")
