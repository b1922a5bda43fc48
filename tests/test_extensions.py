"""JSON columns read back with orjson, and with the standard library for what orjson refuses: every
stored value reads as it was written."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db, json_loads
from app.models import Case


@pytest.mark.parametrize("text", [
    '{"county": "370811", "household": {"size": 3, "monthly_income": ["1200.50"]}, "cost": "20000"}',
    '{"名字": "张三", "n": 1.5, "ok": true, "none": null}',
    '{"big": 123456789012345678901234567890}',   # past 64 bits: orjson would make it a float
    '{"just": 18446744073709551615, "below": -9223372036854775808}',  # the largest orjson reads as ints
    '{"x": NaN}',                                # not JSON, but what json.dumps writes for a float nan
    '[1, 2, 3]',
])
def test_a_stored_json_text_reads_as_the_standard_library_reads_it(text):
    expected = json.dumps(json.loads(text), ensure_ascii=False)  # compared as text: NaN is not equal to itself
    assert json.dumps(json_loads(text), ensure_ascii=False) == expected
    assert json.dumps(json_loads(text.encode("utf-8")), ensure_ascii=False) == expected  # the driver's bytes


def test_the_app_reads_json_columns_with_it(app, session, rules):
    from app.services.intake import intake
    from tests.services.test_workflow import user
    from tests.support import make_household

    assert db.engine.dialect._json_deserializer is json_loads
    case = intake(session, make_household(session, "370811"),
                  {"kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-03-01",
                   "residency": "local_hukou", "area": "urban", "household": {"size": 2}, "requested_amount": "800"},
                  user(app, "township_caseworker_370811"), rules)
    session.flush()
    session.expire(case)
    assert session.scalar(select(Case.inputs).where(Case.id == case.id))["requested_amount"] == "800"
