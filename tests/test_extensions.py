"""JSON columns read back with orjson, and with the standard library for what orjson refuses: every
stored value reads as it was written."""
from __future__ import annotations

import json

import pytest

from app.extensions import db
from app.rules.jsonin import json_loads


@pytest.mark.parametrize("text", [
    '{"county": "370811", "household": {"size": 3, "monthly_income": ["1200.50"]}, "cost": "20000"}',
    '{"名字": "张三", "n": 1.5, "ok": true, "none": null}',
    '{"big": 123456789012345678901234567890}',   # past 64 bits: orjson would make it a float
    '{"most": 18446744073709551615, "least": -9223372036854775808}',  # the ends orjson reads as integers
    '{"below": -9223372036854775809, "wider": -9999999999999999999}',  # 19 digits orjson would make floats
    '{"x": NaN}',                                # not JSON, but what json.dumps writes for a float nan
    '[1, 2, 3]',
])
def test_a_stored_json_text_reads_as_the_standard_library_reads_it(text):
    expected = json.dumps(json.loads(text), ensure_ascii=False)  # compared as text: NaN is not equal to itself
    assert json.dumps(json_loads(text), ensure_ascii=False) == expected
    assert json.dumps(json_loads(text.encode("utf-8")), ensure_ascii=False) == expected  # the driver's bytes


def test_the_app_reads_json_columns_with_it(app):
    with app.app_context():
        assert db.engine.dialect._json_deserializer is json_loads
