"""Table cases: ``cases/*.yaml``, one file per theme, run against the fixture rule set.

Each file has a ``base`` input and ``cases``; a case's ``input`` is deep-merged over the base
(mappings merge, anything else replaces), ``remove`` lists dotted fields to drop, and ``expect`` is a
subset of the output JSON that must match exactly — or ``error: {field, message_contains?}`` for an
input error. ``expect.checks`` may be a mapping ``{check name: subset}`` instead of the full list.
``without_calendar_yaml: true`` runs the case on the fixture rules minus calendar.yaml; a file whose
top level says ``rules: fixtures-2026`` runs on the fixture rules with the 2026 opinion.
"""
from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from importlib.metadata import version

import pytest
from ruamel.yaml import YAML

from app.rules import InputError, dumps, evaluate
from app.rules.calendar import package_knows
from app.rules.engine import evaluate_request
from app.rules.inputs import parse_input

from .conftest import CASES


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _merge(base, over):
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _remove(data, dotted):
    *parents, last = dotted.split(".")
    for part in parents:
        data = data[part]
    data.pop(last, None)


def _load_cases():
    yaml = YAML(typ="safe", pure=True)
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = _plain(yaml.load(path.read_text(encoding="utf-8")))
        base = doc.get("base", {})
        rules = doc.get("rules", "fixtures")
        names = set()
        for case in doc["cases"]:
            assert case["name"] not in names, f"duplicate case name in {path.name}: {case['name']}"
            names.add(case["name"])
            params.append(pytest.param(path.stem, base, case, rules, id=f"{path.stem}: {case['name']}"))
    return params


def _match(expected, actual, where):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for key, sub in expected.items():
            if key == "checks" and isinstance(sub, dict):
                by_name = {check["name"]: check for check in actual["checks"]}
                for name, check in sub.items():
                    assert name in by_name, f"{where}.checks: no check {name}"
                    _match(check, by_name[name], f"{where}.checks.{name}")
                continue
            assert key in actual, f"{where}: no key {key!r} in {actual!r}"
            _match(sub, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{where}: {actual!r} != {expected!r}"
        for index, (sub, item) in enumerate(zip(expected, actual)):
            _match(sub, item, f"{where}[{index}]")
    else:
        assert type(actual) is type(expected) and actual == expected, f"{where}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("theme, base, case, rules_name", _load_cases())
def test_case(theme, base, case, rules_name, fixture_rules, fixture_rules_without_calendar, rules_2026):
    data = _merge(copy.deepcopy(base), case.get("input", {}))
    for dotted in case.get("remove", []):
        _remove(data, dotted)
    if "raw_input" in case:
        data = case["raw_input"]
    rules = fixture_rules_without_calendar if case.get("without_calendar_yaml") else fixture_rules
    if rules_name == "fixtures-2026":
        rules = rules_2026
    expect = case["expect"]
    for warning in expect.get("warnings", []):
        year = int(warning.split(":")[1])
        if package_knows(year):  # a newer chinese-calendar than 1.11.0 may publish the year
            pytest.skip(f"chinese-calendar {version('chinese-calendar')} knows {year}")
    if "error" in expect:
        with pytest.raises(InputError) as caught:
            evaluate(data, rules)
        assert caught.value.field == expect["error"]["field"], caught.value.message
        if "message_contains" in expect["error"]:
            assert expect["error"]["message_contains"] in caught.value.message
        return
    output = json.loads(dumps(evaluate(data, rules)))
    _match(expect, output, "output")
    assert output["eligible"] == all(check["passed"] for check in output["checks"])
    # the impact's unexplained evaluation decides exactly as the verdict does
    decision = evaluate_request(parse_input(data), rules, explain=False)
    suggested = (output["amount"] or {}).get("suggested")
    assert decision == (output["eligible"], output["approval_level"],
                        None if suggested is None else Decimal(suggested), "quick_aid" in output["notes"])


def test_every_theme_has_cases():
    themes = {path.stem for path in CASES.glob("*.yaml")}
    assert {"eligibility", "amounts", "routing", "deadlines", "calendar_2027", "input_errors"} <= themes
