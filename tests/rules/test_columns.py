"""The column evaluator (:func:`app.rules.columns.column_verdicts`) answers each line it decides with the
general path's bytes — ``dumps(evaluate(json.loads(line)))`` or the error object — on the business cases,
the benchmark's mix, random and broken inputs, text-level edits, over every rule set the tests carry, a line
alone or among others in one chunk; and it decides the usual line (so the batch door is fast)."""
from __future__ import annotations

import json
import random
import sys
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec import Raw

from app.rules import fencolumns
from app.rules.columns import SIZE_MAX, column_verdicts
from app.rules.plainjson import amount_lists, amount_texts
from app.rules.quickverdict import ratio, yuan

from .test_fast_input import inputs
from .test_quick_verdict import ROOT, TEXT_EDITS, business_cases, general_answer, rules_named

RULE_SETS = ["fixtures", "fixtures-2026", "real"]


def agree_in_chunk(texts: list[str], rules) -> int:
    """Decide ``texts`` as one chunk; every decided line must be the general path's answer. How many were."""
    got = column_verdicts([text.encode("utf-8") for text in texts], rules)
    assert len(got) == len(texts)
    for text, verdict in zip(texts, got):
        if verdict is not None:
            assert verdict == general_answer(text, rules), f"{text}\ncolumns: {verdict}"
    return sum(verdict is not None for verdict in got)


def bench_mix(rules, count: int, seed: int) -> list[str]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from engine import make_mix, money
    finally:
        sys.path.remove(str(ROOT / "bench"))
    rng, lines = random.Random(seed), []
    for base in make_mix(rules, count, seed):
        data = dict(base)
        if "cost" in data:
            data["cost"] = money(rng, 0, 120000)
        if "requested_amount" in data:
            data["requested_amount"] = money(rng, 100, 1500)
        if data["kind"] == "expenditure":
            data["household"] = dict(data["household"], financial_assets=money(rng, 0, 30000))
        lines.append(json.dumps(data, ensure_ascii=False))
    return lines


def test_the_benchmark_mix_is_decided_by_columns_line_for_line():
    rules = rules_named("real")
    lines = bench_mix(rules, 3000, 11)
    assert agree_in_chunk(lines, rules) >= 0.97 * len(lines)


def test_every_business_case_agrees_and_the_plain_ones_are_decided():
    by_rules: dict = {}
    for _case_id, data, name in business_cases():
        by_rules.setdefault(name, []).append(json.dumps(data, ensure_ascii=False))
    decided = sum(agree_in_chunk(texts, rules_named(name)) for name, texts in by_rules.items())
    verdicts = sum('"error"' not in general_answer(text, rules_named(name))
                   for name, texts in by_rules.items() for text in texts)
    assert decided >= verdicts - 12, (decided, verdicts)  # left to the row path: recognised, rare fields


@pytest.mark.parametrize("rules_name", RULE_SETS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(chunk=st.lists(inputs(), min_size=1, max_size=40))
def test_random_and_broken_inputs_in_one_chunk_agree(rules_name, chunk):
    agree_in_chunk([json.dumps(data, ensure_ascii=False) for data in chunk], rules_named(rules_name))


@pytest.mark.parametrize("edit", range(len(TEXT_EDITS)))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunk=st.lists(inputs(), min_size=1, max_size=12), ascii_only=st.booleans())
def test_text_level_edits_are_read_as_json_reads_them(edit, chunk, ascii_only):
    texts = [TEXT_EDITS[edit](json.dumps(data, ensure_ascii=ascii_only)) for data in chunk]
    agree_in_chunk(texts, rules_named("fixtures"))


def test_a_line_is_decided_alike_alone_and_among_broken_ones():
    rules = rules_named("real")
    good = bench_mix(rules, 200, 5)
    broken = ["", "{", '{"county": "370811"}', good[0].replace('"size": ', '"size": 0, "size": ', 1),
              good[1].replace('["', '[" ', 1), good[2][:-1] + ', "x": 1}']
    mixed = [line for pair in zip(good, broken * 40) for line in pair]
    alone = [column_verdicts([line.encode()], rules)[0] for line in good]
    together = column_verdicts([line.encode() for line in mixed], rules)[::2]
    assert together == alone and sum(v is not None for v in alone) >= 190
    agree_in_chunk(mixed, rules)


@pytest.mark.parametrize("edit", [
    ('"size": ', f'"size": {SIZE_MAX + 1}, "size": '), ('"size": ', '"size": 99999999999999999999999, "size": '),
    ('"houses": ', '"houses": 99999999999999999999999, "houses": '), ('"houses": ', '"houses": -1, "houses": '),
    ('"cost": "', '"cost": "9999999999.99", "cost": "'), ('"cost": "', '"cost": "10000000000", "x": "'),
])
def test_counts_and_amounts_beyond_the_arrays_are_left_to_the_other_paths(edit):
    rules = rules_named("real")
    lines = [line for line in bench_mix(rules, 300, 3) if '"expenditure"' in line and '"houses"' in line][:50]
    edited = [line.replace(*edit, 1) for line in lines]
    agree_in_chunk(lines + edited, rules)


# --- the amount columns read each text as the one-line reader does --------------------------------------

amount_text = st.one_of(
    st.from_regex(r"[0-9]{1,11}(\.[0-9]{1,3})?", fullmatch=True),
    st.sampled_from(["0", "01", "1.", ".5", "1e5", "-1", "+1", " 1", "1 ", "1,2", "", "1.005", "9999999999.99",
                     "10000000000", "\\u0031", "１", "NaN", "1_0", "0x1", "\t1", "null"]),
)


def raw_list(texts, spaced=True, quoted=True) -> bytes:
    items = [f'"{t}"' if quoted else t for t in texts]
    return ("[" + (", " if spaced else ",").join(items) + "]").encode()


@settings(max_examples=400, deadline=None)
@given(lists=st.lists(st.tuples(st.lists(amount_text, max_size=6), st.booleans(), st.booleans()), min_size=1,
                      max_size=8))
def test_a_column_of_month_lists_reads_each_list_as_the_reader_does(lists):
    raws = [raw_list(texts, spaced, quoted) for texts, spaced, quoted in lists]
    sums, offsets, lengths, ok = fencolumns.months(raws)
    for i, raw in enumerate(raws):
        alone = amount_lists([Raw(raw)])
        assert ok[i] == (alone is not None), raw
        if alone is not None:
            values, (length,) = alone
            assert lengths[i] == length
            for months in range(1, length + 1):
                exact = sum(Decimal(t) for t in json.loads(raw)[:months]) * 100
                assert sums[offsets[i] + months] - sums[offsets[i]] == exact, (raw, months)


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(amount_text, min_size=1, max_size=8))
def test_a_column_of_single_amounts_reads_each_as_the_reader_does(texts):
    fen, ok = fencolumns.singles(texts)
    for i, text in enumerate(texts):
        alone = amount_texts([text])
        assert ok[i] == (alone is not None), text
        if alone is not None:
            assert fen[i] == Decimal(text) * 100


@pytest.mark.parametrize("raw", [
    b'[1, "2"]', b'["1,2"]', b'[""]', b'[" 1"]', b'["1" ]', b'[["1"]]', b'["1", ["2"]]', b"[]", b'["01"]',
    b'["1."]', b'[".5"]', b'["1e5"]', b'["-1"]', b'["1.005"]', b'["\\u0031"]', '["１"]'.encode(), b'"123"',
    b"null", b'{"a": "1"}', b'["1",\t"2"]', b'["10000000000"]',
])
def test_lists_that_are_not_plain_are_refused_alone_and_in_a_column(raw):
    assert amount_lists([Raw(raw)]) is None
    *_, ok = fencolumns.months([b'["1", "2"]', raw, b'["3"]'])
    assert ok.tolist() == [True, False, True]


@settings(max_examples=500, deadline=None)
@given(amounts=st.lists(st.integers(-10**14, 10**14), min_size=1, max_size=20),
       divisors=st.lists(st.integers(1, 10**6), min_size=20, max_size=20))
def test_texts_of_fen_columns_are_the_row_paths(amounts, divisors):
    column, by = np.array(amounts, np.int64), np.array(divisors[:len(amounts)], np.int64)
    assert fencolumns.yuan(column) == [yuan(a) for a in amounts]
    assert fencolumns.ratio(column, by) == [ratio(a, d) for a, d in zip(amounts, by.tolist())]


def test_the_modules_examples_hold():
    import doctest

    from app.rules import columns, plainjson, plantable

    for module in (fencolumns, plainjson, columns, plantable):
        assert doctest.testmod(module, extraglobs={"np": np}).failed == 0, module.__name__


@pytest.mark.parametrize("reported_at", ["garbage", "2021-09-09T10:00:00", "2021-09-09", "3000-01-01T00:00:00+08:00"])
def test_an_emergency_reported_at_no_valid_moment_is_the_engines_error_even_with_its_pre_assistance_day(reported_at):
    """Found by a reviewer's fuzzer: a given pre-assistance day once hid a report time the reader refused."""
    rules = rules_named("fixtures")
    line = json.dumps({"county": "370881", "kind": "emergency", "category": "education:senior_high",
                       "application_date": "2021-09-09", "residency": "residence_permit", "area": "urban",
                       "household": {"size": 5}, "severity": "light", "pre_assisted_on": "2021-09-09",
                       "reported_at": reported_at})
    assert '"error"' in general_answer(line, rules)
    assert column_verdicts([line.encode()], rules) == [None]
    agree_in_chunk([line, line.replace(f', "reported_at": "{reported_at}"', "")], rules)
