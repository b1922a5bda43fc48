"""The straight-to-text verdict (:func:`app.rules.quickverdict.quick_verdict`) is byte for byte the
engine's ``dumps(evaluate(...))``, and declines (None) every input whose answer is an error — on every
business case and rule variant, on random valid and broken inputs, and on the benchmark's mix over the
real rules. So no door's answer depends on which path a line took."""
from __future__ import annotations

import copy
import json
import random
import re
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import InputError, dumps, evaluate, load_rules
from app.rules.jsonout import answer
from app.rules.quickverdict import quick_verdict

from .conftest import FIXTURES, FIXTURES_2026
from .test_cases import _load_cases, _merge, _remove
from .test_fast_input import inputs

ROOT = Path(__file__).resolve().parents[2]
_RULES: dict = {}


def rules_named(name: str):
    if name not in _RULES:
        _RULES[name] = load_rules(ROOT / "rules" if name == "real" else
                                  FIXTURES_2026 if name == "fixtures-2026" else FIXTURES)
    return _RULES[name]


def engine_text(data, rules) -> str | None:
    """The general path's verdict text, or None where it is an input error."""
    try:
        return dumps(evaluate(copy.deepcopy(data), rules))
    except InputError:
        return None


def quick_text(data, rules) -> str | None:
    return quick_verdict(json.dumps(data, ensure_ascii=False), rules)


def agree(data, rules) -> bool:
    """True when the fast path answered (and then equals the engine), False when it declined."""
    expected, got = engine_text(data, rules), quick_text(data, rules)
    if got is not None:
        assert got == expected, f"{json.dumps(data, ensure_ascii=False)}\nengine: {expected}\nquick:  {got}"
    return got is not None


def business_cases():
    for param in _load_cases():
        _theme, base, case, rules_name = param.values
        if case.get("without_calendar_yaml"):
            continue
        data = _merge(copy.deepcopy(base), case.get("input", {}))
        for dotted in case.get("remove", []):
            _remove(data, dotted)
        yield param.id, case.get("raw_input", data), rules_name


def beyond_fen(data) -> bool:
    """Whether an amount of ``data`` has more than two decimals (the fast path reads whole fen only)."""
    return re.search(r'"[0-9]+\.[0-9]{3,}"', json.dumps(data)) is not None


def test_every_business_case_agrees_and_every_verdict_in_fen_takes_the_fast_path():
    taken, errors, declined = 0, 0, []
    for case_id, data, rules_name in business_cases():
        rules = rules_named(rules_name)
        if agree(data, rules):
            taken += 1
        elif engine_text(data, rules) is None:
            errors += 1
        else:
            declined.append((case_id, beyond_fen(data)))
    # the business cases are plain inputs: none needs the engine's general path but for a fraction of a fen
    assert [case for case, fraction in declined if not fraction] == []
    assert len(declined) <= 3, declined
    assert taken >= 120 and errors >= 40, (taken, errors)


def test_an_input_error_is_never_answered_by_the_fast_path():
    data = next(d for _i, d, name in business_cases() if name == "fixtures")
    broken = dict(data, household=dict(data["household"], monthly_income=["100"]))
    assert engine_text(broken, rules_named("fixtures")) is None
    assert quick_text(broken, rules_named("fixtures")) is None
    # a date on which no value is in force: the engine's error, never a plan's guess
    early = dict(data, application_date="1901-01-02")
    assert engine_text(early, rules_named("fixtures")) is None
    assert quick_text(early, rules_named("fixtures")) is None


@pytest.mark.parametrize("rules_name", ["fixtures", "fixtures-2026"])
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=inputs())
def test_random_inputs_agree_with_the_engine(rules_name, data):
    agree(data, rules_named(rules_name))


def test_the_benchmark_mix_on_the_real_rules_agrees_line_by_line():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from engine import make_mix, money
    finally:
        sys.path.remove(str(ROOT / "bench"))
    rules = rules_named("real")
    rng = random.Random(7)
    taken = 0
    for base in make_mix(rules, 1500, 7):
        data = dict(base)
        if "cost" in data:
            data["cost"] = money(rng, 0, 120000)
        if "requested_amount" in data:
            data["requested_amount"] = money(rng, 100, 1500)
        taken += agree(data, rules)
    assert taken >= 1400, taken


def test_the_single_door_answers_with_the_fast_paths_bytes():
    data = next(d for _i, d, name in business_cases() if name == "fixtures" and engine_text(d, rules_named(name)))
    rules = rules_named("fixtures")
    text, ok = answer(json.dumps(data, ensure_ascii=False), rules)
    assert ok and text == engine_text(data, rules) == quick_text(data, rules)


def test_deadlines_across_an_unknown_year_carry_their_warning_on_the_fast_path(tmp_path):
    import shutil

    target = tmp_path / "rules"
    shutil.copytree(FIXTURES, target, ignore=shutil.ignore_patterns("calendar.yaml"))
    rules = load_rules(target)
    data = next(d for _i, d, name in business_cases() if name == "fixtures" and d.get("kind") == "expenditure"
                and engine_text(d, rules_named(name)))
    late = dict(data, application_date=(date(2030, 12, 20)).isoformat())
    late.pop("accepted_on", None)
    assert agree(late, rules)
    assert "calendar_unverified:2031" in quick_text(late, rules)


def general_answer(text: str, rules) -> str:
    """What the single door answered before the fast path: json.loads, the engine, dumps."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return dumps({"error": {"field": None, "message": f"the input is not valid JSON: {exc}"}})
    try:
        return dumps(evaluate(data, rules))
    except InputError as exc:
        return dumps({"error": {"field": exc.field, "message": exc.message}})


# text-level changes where orjson and json may read differently: each must still answer as json reads it
TEXT_EDITS = [
    lambda t: t, lambda t: " \t" + t + "\r\n", lambda t: "\ufeff" + t,
    lambda t: t.replace('"size": ', '"size": 18446744073709551616, "size": ', 1),
    lambda t: t.replace('"size": ', '"size": 1e400, "size": ', 1),
    lambda t: t.replace('"size": ', '"size": NaN, "size": ', 1),
    lambda t: t[:-1] + ', "county": "370811"}',
    lambda t: t.replace('"kind": "', '"kind": "\\ud800', 1),
    lambda t: t.replace('"area": "urban"', '"area": "\\u0075rban"', 1),
    lambda t: t.replace('"household": {', '"household": {"size": 2, ', 1),
    lambda t: t.replace('"size": ', '"size": -0, "size": ', 1),
    lambda t: t.replace("}", "}\x00", 1), lambda t: t + "]", lambda t: t[:-1],
    lambda t: t.replace('"residency": "', '"residency": "\x01', 1),
]


@pytest.mark.parametrize("edit", range(len(TEXT_EDITS)))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=inputs(), ascii_only=st.booleans())
def test_the_single_door_reads_json_as_json_does(edit, data, ascii_only):
    rules = rules_named("fixtures")
    text = TEXT_EDITS[edit](json.dumps(data, ensure_ascii=ascii_only))
    assert answer(text, rules)[0] == general_answer(text, rules)


def test_made_up_categories_do_not_fill_the_plan_table():
    """A file of invented categories is answered by the engine (an input error each) and leaves no plan
    behind, so the real lines keep theirs."""
    rules = load_rules(FIXTURES)
    data = next(d for _i, d, name in business_cases() if name == "fixtures" and engine_text(d, rules_named(name)))
    county = rules.county(data["county"])
    before = len(county.derived)
    for number in range(300):
        made_up = dict(data, category=f"illness:made_up_{number}")
        assert quick_text(made_up, rules) is None and engine_text(made_up, rules) is None
    assert len(county.derived) == before
    assert quick_text(data, rules) == engine_text(data, rules)
