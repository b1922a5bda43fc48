"""The dashboards' charts, drawn on the server as SVG by pygal (a maintained chart library on PyPI).

Why server-side SVG and not a script library: the page then loads nothing — no script to vendor, no
nonce to carry, nothing from the internet on a government intranet — and an SVG prints sharp. pygal's
own script tags are switched off (``js=[]``: its default would load one from the internet), so the chart
is a plain picture. It reads in grey: the series differ by dash and marker, not by colour alone, and the
numbers stand on the points. A zero is not written on its point (``print_zeroes=False``): the point lies
on the x-axis, where a "0" would sit on the month's label; the axis itself says zero.
"""
from __future__ import annotations

import re

import pygal
from markupsafe import Markup
from pygal.style import Style

GREY = Style(background="white", plot_background="white", foreground="#222", foreground_strong="#000",
             foreground_subtle="#666", colors=("#000000", "#555555", "#999999"), font_family="sans-serif",
             value_font_size=11, label_font_size=11, major_label_font_size=11, legend_font_size=12,
             title_font_size=14)
DASHES = ({"width": 2.5}, {"width": 2, "dasharray": "6, 4"}, {"width": 2, "dasharray": "2, 3"})


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _svg(chart) -> Markup:
    """The SVG without pygal's inline configuration script (tooltips only; the CSP would block it) and
    without its comments: a picture and nothing else."""
    svg = chart.render(is_unicode=True, disable_xml_declaration=True)
    return Markup(_COMMENT.sub("", _SCRIPT.sub("", svg)))


def trend_chart(title: str, months: list[str], series: list[tuple[str, list]]) -> Markup:
    """A line chart of monthly counts, one dashed or solid line per series, values on the points."""
    chart = pygal.Line(js=[], style=GREY, width=760, height=300, show_legend=True, legend_at_bottom=True,
                       print_values=True, print_zeroes=False, dots_size=3.5, x_label_rotation=0, title=title,
                       explicit_size=False, show_y_guides=True, include_x_axis=True)
    chart.x_labels = [m[2:] for m in months]  # "26-11": short enough for twelve months
    for (name, values), stroke in zip(series, DASHES):
        chart.add(name, [int(v) for v in values], stroke_style=stroke)
    return _svg(chart)


def money_chart(title: str, months: list[str], values: list) -> Markup:
    """Bars of money paid per month (in yuan, whole), hatched grey so they print."""
    chart = pygal.Bar(js=[], style=GREY, width=760, height=260, show_legend=False, print_values=False,
                      title=title, explicit_size=False, include_x_axis=True)
    chart.x_labels = [m[2:] for m in months]
    chart.add(title, [float(v) for v in values])
    return _svg(chart)


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list]]) -> Markup:
    """Horizontal bars, one grey shade per series (the user statistics page)."""
    chart = pygal.HorizontalBar(js=[], style=GREY, width=760, height=max(200, 26 * len(labels) + 80),
                                show_legend=True, legend_at_bottom=True, print_values=True, print_zeroes=False,
                                title=title, explicit_size=False)
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, [int(v) for v in values])
    return _svg(chart)
