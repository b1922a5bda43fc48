"""The rule editor's screen and the 2026 opinion: a county administrator sees the new keys with the city's
bounds, in Chinese and in English, and the impact preview of a change to 小额快救 says how many of last
year's applications are quick aid and what they get, before and after."""
from __future__ import annotations

import datetime as dt
import re

from app.services.intake import intake
from tests.support import make_household

from .test_rule_editor import EFFECTIVE, TODAY, editor_post, number, rules_dir, user  # noqa: F401  (fixture)

QUICK = "value:aid.quick_cap_dibao_months"


def test_the_new_keys_are_shown_with_the_citys_bounds_and_statuses_as_checkboxes(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    assert re.search(rf'name="{QUICK}" id="{QUICK}" value="1"', page)
    assert "小额快救最高额（城市低保月标准的月数）" in page and "市级上下限：0 至 1" in page
    assert 'name="value:approval.quick_days" id="value:approval.quick_days" value="3"' in page
    assert 'name="value:eligibility.expenditure.recognised_months"' in page
    assert 'name="value:cases.posting_working_days"' in page
    for status in ("local_hukou", "residence_permit", "none"):
        assert re.search(rf'name="setting:eligibility.emergency_residency:{status}"[^>]*checked', page)
    assert "均无（临时遇困人员）" in page
    # its dated entry in words, not code names
    assert "2026-01-29: <strong>本地户籍 / " in page and "local_hukou, residence_permit, none" not in page
    assert admin.get("/lang/en").status_code == 302
    english = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    assert "Quick aid, at most (months of the urban dibao standard)" in english and "City bounds: 0 to 1" in english
    assert "Neither: a person passing through" in english


def test_the_impact_of_halving_quick_aid_counts_last_years_quick_cases(app, session, login_as, rules_dir):
    store = app.extensions["tempaid_rules"]
    caseworker = user(app, "township_caseworker_370811")
    fire = {"kind": "emergency", "category": "incident:fire", "severity": "light", "requested_amount": "1000",
            "application_date": (TODAY - dt.timedelta(days=10)).isoformat()}
    for requested in ("1000", "1000", "300"):
        intake(session, make_household(session, "370811"), {**fire, "requested_amount": requested}, caseworker,
               store.current)
    session.commit()
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    preview = editor_post(app, admin, "370811", page, **{"effective": EFFECTIVE.isoformat(), QUICK: "0.5",
                                                         "reason": "小额快救调整为半个月低保标准"}).get_data(as_text=True)
    assert "小额快救件数（修改前 / 修改后）" in preview
    assert number(preview, "impact-quick") == "3 → 3"
    # 任城's urban dibao is 915: one month 915, half a month 457.5; the 300 asked for stays 300 — and the
    # sums are written as money is (1215, never 1215.0)
    assert number(preview, "impact-quick-total") == "2130 → 1215"
    assert number(preview, "impact-amount") == "2"
    assert "1215 → 2130" not in preview and "1215.0" not in preview
    assert re.search(r"符合条件 · 乡镇（街道） · 457\.5", preview)  # the examples name the level and write the amount
    assert 'id="save"' in preview


def test_quick_aid_above_the_citys_bound_is_refused_on_its_field(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    preview = editor_post(app, admin, "370811", page, **{"effective": EFFECTIVE.isoformat(), QUICK: "2",
                                                         "reason": "提高"}).get_data(as_text=True)
    assert 'data-field="value:aid.quick_cap_dibao_months"' in preview and "at most 1" in preview
    assert 'id="save"' not in preview
