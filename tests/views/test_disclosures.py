"""The county-wide disclosure list on the screens: a county's staff choose the county as a whole, see each
township's rows, post the month once it is over; the posted list then shows its posting date and stays
as posted, on the page, in print and in the workbook."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from app.services.reversals import reverse_payment
from tests.conftest import csrf_token
from tests.payment_support import approved_case, region, user
from tests.services.test_disclosures import _pay


def test_the_county_posts_its_list_and_it_stays_as_posted(app, session, rules, login_as):
    case = approved_case(app, session, rules, "1800", head_name="张三丰")
    stage = _pay(app, session, rules, case, "cash", "600", "2026-11-20")
    _pay(app, session, rules, case, "in_kind", "400", "2026-11-21", items="米面油")
    session.commit()
    county = region(session, "370811")
    client = login_as("county_reviewer_370811")
    url = f"/disclosure/?township_id={county.id}&month=2026-11"
    page = client.get(url).get_data(as_text=True)
    assert "任城区 （全县）" in page and "李营街道" in page and "张*丰" in page and 'id="post-form"' in page
    assert "1000.00" in page and "现金 / 实物" in page
    posted = client.post("/disclosure/post", data={"csrf_token": csrf_token(app, client), "township_id": county.id,
                                                   "month": "2026-11"})
    assert posted.status_code == 302
    reverse_payment(session, stage, user(app, "finance_officer_370811"), "现金收回", rules)
    session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'id="posted"' in page and "张贴" in page and 'id="post-form"' not in page and "1000.00" in page
    sheet = load_workbook(io.BytesIO(client.get(f"/disclosure/xlsx?township_id={county.id}&month=2026-11").data)).active
    rows = list(sheet.values)
    assert rows[1][:3] == ("序号", "名称", "乡镇（街道）") and rows[2][1:3] == ("张*丰", "李营街道")
    assert Decimal(str(rows[-1][-1])) == Decimal("1000")
    # a township's caseworker neither sees the county-wide list nor posts it
    caseworker = login_as("township_caseworker_370811")
    assert "张*丰" not in caseworker.get(url).get_data(as_text=True)
