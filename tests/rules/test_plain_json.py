"""The one-line reader of the fast path (:func:`app.rules.plainjson.read_plain`) accepts only what the
general checker accepts, and reads the same values: every date, count and flag, every amount in whole fen,
and the sum of any first months exactly."""
from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import Raw

from app.rules.faults import InputError
from app.rules.inputs import check_input
from app.rules.plainjson import MONTHS_MAX, Plain, amount_lists, read_plain

from .test_fast_input import inputs
from .test_properties import applications

SAME = ("county", "kind", "category", "category_kind", "application_date", "application_text", "residency", "area",
        "size", "houses", "vehicles", "dibao", "tekun", "dibao_edge", "rigid_expense", "recognised_on",
        "beneficiaries", "severity", "accepted_on", "reported_at", "pre_assisted_on")


def fen(amount: Decimal | None):
    return None if amount is None else amount * 100


def assert_read_alike(data):
    plain = read_plain(json.dumps(data, ensure_ascii=False))
    if plain is None:
        return False
    try:
        req = check_input(data)
    except InputError as exc:
        raise AssertionError(f"read what the general checker refuses: {exc}") from exc
    for name in SAME:
        assert getattr(plain, name) == getattr(req, name), name
    for name in ("financial_assets", "cost", "requested"):
        assert getattr(plain, name) == fen(getattr(req, name)), name
    for name in ("incomes", "expenses"):
        months, exact = getattr(plain, name), getattr(req, name)
        assert (months is None) == (exact is None), name
        for count in range(1, len(exact or ()) + 1):
            assert Plain.fen_sum(months, count) == sum(exact[:count]) * 100, (name, count)
    return True


@settings(max_examples=1500, deadline=None)
@given(inputs())
def test_what_the_reader_reads_is_what_the_general_checker_builds(data):
    assert_read_alike(data)


@settings(max_examples=300, deadline=None)
@given(applications())
def test_the_usual_application_is_read(data):
    assert assert_read_alike(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 10**12 - 1), min_size=1, max_size=MONTHS_MAX))
def test_the_sum_of_up_to_a_thousand_months_is_exact_to_the_fen(fen_amounts):
    texts = [f"{amount // 100}.{amount % 100:02d}".rstrip("0").rstrip(".") or "0" for amount in fen_amounts]
    months, _lengths = amount_lists([Raw(json.dumps(texts).encode())])   # parsed as the reader parses them
    assert Plain.fen_sum(months, len(months)) == sum(fen_amounts)
    assert Plain.fen_sum(months, 1) == fen_amounts[0]
    assert [round(month * 100) for month in months] == fen_amounts
