"""Invariants of the roll-up and of small-count suppression (hypothesis): the totals are the sum of the
breakdown and of the kinds; the median of a histogram is the median of the days it counts; a hidden
cell is exactly a count from 1 to the threshold − 1."""
from __future__ import annotations

import statistics
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from app.reports.area import Area
from app.reports.grain import Grain
from app.reports.indicators import _median, complete, roll_up
from app.reports.suppress import Hidden, applies, suppress_row

TOWNS = {11: 1, 12: 1, 13: 2}  # township → county
cells = st.dictionaries(st.tuples(st.sampled_from(sorted(TOWNS)), st.sampled_from(["emergency", "expenditure"])),
                        st.fixed_dictionaries({"cases": st.integers(0, 50), "aided_cases": st.integers(0, 50),
                                               "_met_decision_due": st.integers(0, 20),
                                               "_open_due_decision_due": st.integers(0, 5),
                                               "_on_time_decision_due": st.integers(0, 20)}), max_size=6)


def _grain(found) -> Grain:
    grain = Grain()
    grain.county_of = dict(TOWNS)
    for (town, kind), values in found.items():
        grain.add(town, kind, **values)
    return grain


@settings(deadline=None)  # a loaded machine is no counter-example
@given(cells)
def test_the_totals_are_the_sum_of_the_breakdown_and_of_the_kinds(found):
    grain = _grain(found)
    city = Area("city", None)
    total = complete(roll_up(city, grain, None)[None])
    for group in ("region", "kind"):
        rows = roll_up(city, grain, group)
        for name in ("cases", "aided_cases"):
            assert sum(complete(v)[name] for v in rows.values()) == total[name]
    settled = sum(v["_met_decision_due"] + v["_open_due_decision_due"] for v in found.values())
    on_time = sum(v["_on_time_decision_due"] for v in found.values())
    expected = None if not settled else (Decimal(on_time) / settled).quantize(Decimal("0.0001"))
    assert total["decision_due_rate"] == expected


@given(st.lists(st.integers(0, 90), min_size=1, max_size=60))
def test_the_median_of_the_histogram_is_the_median_of_the_days(days):
    histogram = {}
    for d in days:
        histogram[d] = histogram.get(d, 0) + 1
    assert _median(histogram) == Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))


@given(st.integers(0, 30), st.integers(1, 10))
def test_a_count_is_hidden_exactly_when_it_is_small_and_not_zero(count, threshold):
    row = suppress_row(complete({"cases": count, "aided_cases": count}), threshold)
    hidden = isinstance(row["cases"], Hidden)
    assert hidden == (0 < count < threshold)
    if hidden:
        assert str(row["cases"]) == f"< {threshold}"


def test_who_is_suppressed():
    assert applies("city", export=False, sees_personal_data=False)
    assert applies("county", export=True, sees_personal_data=False)
    assert not applies("county", export=False, sees_personal_data=False), "a county page shows its townships"
    assert not applies("city", export=True, sees_personal_data=True), "who sees the people sees the counts"
