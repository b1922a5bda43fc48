"""The impact's column path (``app.rules.impactcolumns``) counts a year of stored rows as the row path does.

Over caseloads of plain applications stored as cases store them (their decision rows), under the rule
changes an administrator makes, on days either side of the 2026 opinion, the impact with the column path
is the impact without any fast path, field for field: counts, totals as the same Decimal text, examples.
What it cannot take in whole fen (a standard in odd cents times a tier multiplier, three decimals, a
household of ten thousand) goes the row path's way, and still counts once.
"""
from __future__ import annotations

import doctest
import json
import sys
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import impact as impact_module
from app.rules import impactcolumns
from app.rules.decisions import Decider
from app.rules.impact import impact
from app.rules.stored_rows import stored_row

from app.rules.loader import check_directory

from .conftest import FIXTURES
from .test_decisions import CHANGES, CITY, DAYS, rule_change

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "bench"))
from engine import make_mix  # noqa: E402


@pytest.fixture(autouse=True)
def every_chunk_by_columns(monkeypatch):
    """Chunks of a few rows, each decided by columns however small (the impact's own floor is 64)."""
    monkeypatch.setattr(impact_module, "COLUMNS_FROM", 1)
    monkeypatch.setattr(impact_module, "PROGRESS_EVERY", 17)


@st.composite
def amount(draw, odd_one_in: int = 9):
    """Whole yuan or fen mostly; about one in ``odd_one_in`` with three decimals, or too large for whole fen here."""
    whole = st.integers(0, 120000)
    if draw(st.integers(1, odd_one_in)) == odd_one_in:
        return draw(st.one_of(st.tuples(whole, st.integers(0, 999)).map("{0[0]}.{0[1]:03d}".format),
                              st.integers(10**10, 10**15 - 1).map(str)))
    return draw(st.one_of(whole.map(str), st.tuples(whole, st.integers(0, 9)).map("{0[0]}.{0[1]}".format),
                          st.tuples(whole, st.integers(0, 99)).map("{0[0]}.{0[1]:02d}".format)))


@st.composite
def plain_application(draw):
    """An application the decision row holds (plain), now and then at a bound of the columns."""
    kind = draw(st.sampled_from(["expenditure", "expenditure", "emergency"]))
    category = draw(st.sampled_from(
        ["illness:uremia", "illness:leukemia", "education:senior_high", "education:college", "other:other"]
        + (["incident:fire", "incident:traffic_accident", "other:flood"] if kind == "emergency" else [])))
    size = draw(st.integers(1, 6)) if draw(st.integers(0, 19)) else 10000
    household = {"size": size}
    data = {"county": draw(st.sampled_from(["370811", "370830", "370881", "370881", "999999"])), "kind": kind,
            "category": category, "application_date": "2026-05-01",
            "residency": draw(st.sampled_from(["local_hukou", "local_hukou", "residence_permit", "none"])),
            "area": draw(st.sampled_from(["urban", "rural"])), "household": household}
    if kind == "expenditure" or draw(st.integers(0, 3)) == 0:
        short = draw(st.integers(0, 7)) == 0                   # fewer months than a rule asks for
        household.update(monthly_income=draw(st.lists(amount(60), min_size=3 if short else 12, max_size=13)),
                         monthly_necessary_expenses=draw(st.lists(amount(40), min_size=3 if short else 6,
                                                                  max_size=7)),
                         financial_assets=draw(amount()), houses=draw(st.sampled_from([0, 1, 1, 1, 2, 12345])),
                         vehicles=draw(st.integers(0, 2)))
    for flag in ("dibao", "tekun", "dibao_edge", "rigid_expense"):
        if draw(st.integers(0, 3)) == 0:
            household[flag] = draw(st.booleans())
    if draw(st.integers(0, 2)) == 0:
        household["recognised_on"] = (date(2026, 4, 1) - timedelta(days=draw(st.integers(-40, 500)))).isoformat()
    if kind == "emergency":
        data["severity"] = draw(st.sampled_from(["light", "light", "heavy", "major"]))
    elif draw(st.integers(0, 9)) == 0:
        data["severity"] = "major"
    if kind == "expenditure" or data.get("severity") == "heavy" or draw(st.booleans()):
        data["cost"] = draw(amount())
    if draw(st.booleans()):
        data["beneficiaries"] = draw(st.integers(1, min(size, 7)))
    if draw(st.integers(0, 2)) == 0:
        data["requested_amount"] = draw(amount())
    return data


def stored(apps):
    """The caseload as the impact reads stored cases: (number, (decision row, JSON))."""
    return [(f"C{i:05d}", (stored_row(data), json.dumps(data))) for i, data in enumerate(apps)]


def assert_same(current, proposed, apps, day, examples=5):
    keyed = stored(apps)
    fast = impact(current, proposed, keyed, day, examples=examples)
    slow = impact(current, proposed, [(key, json.loads(text)) for key, (_, text) in keyed], day,
                  examples=examples, columns=False)
    assert fast == slow
    for name in ("total_before", "total_after", "quick_total_before", "quick_total_after"):
        assert str(getattr(fast, name)) == str(getattr(slow, name)), name
    for mine, theirs in zip(fast.examples, slow.examples):
        assert str(mine.before.suggested) == str(theirs.before.suggested)
        assert str(mine.after.suggested) == str(theirs.after.suggested)
    return fast


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(apps=st.lists(plain_application(), min_size=1, max_size=50), change=st.sampled_from(sorted(CHANGES)),
       day=st.sampled_from(DAYS), with_2026=st.booleans())
def test_the_column_path_counts_as_the_engine(apps, change, day, with_2026):
    assert_same(*rule_change(change, with_2026), apps, day)


def decided_share(current, proposed, apps, day):
    """The share of stored rows the column path decides (the rest: the row path)."""
    table = impactcolumns.Table(Decider(current, day), Decider(proposed, day))
    texts, others = impactcolumns.split([stored_row(data) for data in apps])
    chunk = impactcolumns.Chunk(table, texts, day.isoformat())
    before, after = impactcolumns.Decisions(chunk, table, 0), impactcolumns.Decisions(chunk, table, 1)
    return (before.ok & after.ok).sum() / len(apps)


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_column_path_takes_nearly_every_application_of_a_realistic_year(change):
    current, proposed = rule_change(change, True)
    mix = [data for data in make_mix(current, 3000, seed=7) if stored_row(data) is not None]
    assert len(mix) > 2500
    assert decided_share(current, proposed, mix, date(2026, 7, 1)) > 0.97
    found = assert_same(current, proposed, mix, date(2026, 7, 1), examples=20)
    assert found.changed > 0 or change in ("as they are", "light cap lowered")


def test_a_tier_maximum_in_part_of_a_fen_goes_the_row_paths_way():
    """650.35 × 4.5 is 2926.575 yuan: not whole fen, so the education tiers under that standard are the row path's."""
    current, _ = rule_change("as they are", False)
    text = (FIXTURES / CITY).read_text(encoding="utf-8")
    assert "      2019-07-01: 650\n" in text and "multiplier: 4.5}" in text
    proposed, faults = check_directory(FIXTURES, overrides={CITY: text.replace("      2019-07-01: 650\n",
                                                                                "      2019-07-01: 650.35\n")})
    assert not faults
    day = date(2026, 7, 1)
    mix = [data for data in make_mix(current, 1500, seed=3) if stored_row(data)]
    parted = [data for data in mix if data["category"].startswith("education:")
              and Decider(proposed, day).group_of(_key(data)) is not None
              and impactcolumns.figures(Decider(proposed, day).group_of(_key(data)), data["residency"]) is None]
    assert len(parted) > 20 and decided_share(current, proposed, parted, day) == 0
    assert decided_share(current, proposed, mix, day) > 0.5
    assert_same(current, proposed, mix, day)


def _key(data):
    return data["county"], data["kind"], data["category"], data["area"], data.get("severity")


def test_rows_of_another_version_and_inputs_without_a_row_are_counted_once():
    current, proposed = rule_change("township limit lowered", False)
    mix = [data for data in make_mix(current, 200, seed=5) if stored_row(data)]
    keyed = stored(mix)
    keyed[3] = (keyed[3][0], ("0" + keyed[3][1][0][1:], keyed[3][1][1]))    # version 0: never read
    keyed[4] = (keyed[4][0], (None, keyed[4][1][1]))                          # no row: its JSON
    keyed[5] = (keyed[5][0], mix[5])                                          # an input as a dict
    fast = impact(current, proposed, keyed, date(2026, 7, 1))
    slow = impact(current, proposed, [(key, mix[i]) for i, (key, _) in enumerate(keyed)], date(2026, 7, 1),
                  columns=False)
    assert fast == slow and fast.applications == len(mix)


def test_the_examples_are_the_lowest_keys_whatever_the_chunk_they_come_in():
    current, proposed = rule_change("urban standard up 5 %", False)
    mix = [data for data in make_mix(current, 800, seed=11) if stored_row(data)]
    keyed = stored(mix)[::-1]                                               # the highest keys first
    fast = impact(current, proposed, keyed, date(2026, 7, 1), examples=7)
    slow = impact(current, proposed, [(k, json.loads(t)) for k, (_, t) in keyed], date(2026, 7, 1),
                  examples=7, columns=False)
    assert fast.changed > 20 and len(fast.examples) == 7
    assert [e.key for e in fast.examples] == [e.key for e in slow.examples] == sorted(e.key for e in fast.examples)
    assert fast == slow


def test_a_total_keeps_the_decimals_of_what_it_adds():
    assert str(impactcolumns._yuan(150000, 0)) == "1500"
    assert str(impactcolumns._yuan(150050, 2)) == "1500.50"
    assert impactcolumns._yuan(7, 2) == Decimal("0.07")


def test_the_modules_examples():
    assert doctest.testmod(impactcolumns).failed == 0


def _edited(*edits) -> object:
    """The fixture rules with the city file edited (each edit: what is written, what replaces it)."""
    text = (FIXTURES / CITY).read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    edited, faults = check_directory(FIXTURES, overrides={CITY: text})
    assert not faults, faults
    return edited


def test_a_quick_aid_of_nothing_keeps_its_decimals_in_the_quick_total():
    """小额快救 asked at "0.00": the quick total is the Decimal sum, 0.00, on either path (found by a reviewer)."""
    current, proposed = rule_change("as they are", True)
    data = {"county": "370830", "kind": "emergency", "category": "incident:fire", "severity": "light",
            "application_date": "2026-05-01", "residency": "local_hukou", "area": "urban",
            "household": {"size": 1}, "requested_amount": "0.00"}
    found = assert_same(current, proposed, [data, dict(data, requested_amount="12.5")], date(2026, 4, 1))
    assert found.quick_before == 2 and str(found.quick_total_before) == "12.50"


def test_a_chunk_whose_total_passes_two_to_the_sixty_third_fen_is_added_exactly(monkeypatch):
    """10,000 households of 9,999 beneficiaries at 15,000 times the standard: about 10^17 fen, beyond int64."""
    monkeypatch.setattr(impact_module, "PROGRESS_EVERY", 20000)
    rules_ = _edited(("{from: 0, multiplier: 3}\n    - {from: 4000, multiplier: 4.5}",
                      "{from: 0, multiplier: 1500000}\n    - {from: 4000, multiplier: 4.5}"),
                     ("  aid.education_tiers.multiplier: [3, 6]\n", ""))
    data = {"county": "370881", "kind": "emergency", "category": "education:college", "severity": "heavy",
            "application_date": "2026-05-01", "residency": "local_hukou", "area": "urban",
            "household": {"size": 9999}, "beneficiaries": 9999, "cost": "100"}
    found = assert_same(rules_, rules_, [data] * 10000, date(2026, 7, 1))
    assert found.total_before > 2 ** 63 / 100


def test_a_multiplier_beyond_a_sums_precision_goes_the_row_paths_way():
    """3.0000000000000000000000000001 × the standard has 28 decimals: multiplied exactly (the engine's context),
    so not whole fen, and the total is the row path's (found by a reviewer)."""
    rules_ = _edited(("    - {from: 0, multiplier: 3}\n    - {from: 4000",
                      "    - {from: 0, multiplier: 3.0000000000000000000000000001}\n    - {from: 4000"))
    data = {"county": "370830", "kind": "emergency", "category": "education:college", "severity": "heavy",
            "application_date": "2026-05-01", "residency": "local_hukou", "area": "urban",
            "household": {"size": 1}, "cost": "1950"}
    assert_same(rules_, rules_, [data, dict(data, cost="1949")], date(2026, 7, 1))
    day = date(2026, 7, 1)
    assert decided_share(rules_, rules_, [data], day) == 0
