"""The dashboards' charts read well on screen, printed and in grey: a month with nothing in it lies on the
x-axis with no "0" written over its label; every other value stands on its point; no script, no colour
that only a colour screen tells apart."""
from __future__ import annotations

import re

from app.web.charts import bar_chart, trend_chart

VALUE = re.compile(r'<text[^>]*class="value[^"]*"[^>]*>([^<]*)</text>')


def test_zero_months_write_no_value_over_the_axis_labels():
    svg = str(trend_chart("每月案件", ["2026-01", "2026-02", "2026-03"], [("受理", [0, 5, 12]), ("救助", [0, 0, 3])]))
    assert sorted(VALUE.findall(svg)) == ["12", "3", "5"]


def test_a_chart_of_zeros_only_writes_no_value_at_all():
    svg = str(trend_chart("每月案件", ["2026-01", "2026-02"], [("受理", [0, 0]), ("救助", [0, 0])]))
    assert VALUE.findall(svg) == []


def test_horizontal_bars_write_no_zero_either():
    svg = str(bar_chart("用户", ["甲", "乙"], [("人数", [0, 4])]))
    assert VALUE.findall(svg) == ["4"]


def test_the_chart_is_a_picture_in_greys_and_nothing_else():
    svg = str(trend_chart("每月案件", ["2026-01"], [("受理", [1]), ("救助", [1])]))
    assert "<script" not in svg and "http://" not in svg.split(">", 1)[1].replace('xmlns="http://www.w3.org', "")
    colours = set(re.findall(r"#[0-9a-fA-F]{6}\b", svg))
    assert colours and all(c[1:3] == c[3:5] == c[5:7] for c in colours), colours
