"""The impact of a rule change, computed fast, says what evaluating every application under both rule
sets says: a county whose decisive rules the change leaves alone is evaluated once, and ``progress``
hears ``(done, total)`` as a background job's bar needs it."""
from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import engine, impact as impact_module
from app.rules.decisions import Decider
from app.rules.impact import Outcome, decisive_rules, impact, redated
from app.rules.inputs import parse_input
from app.rules.loader import check_directory
from app.rules.faults import InputError

from .conftest import FIXTURES
from .test_properties import applications

CITY = "jining.yaml"
AS_OF = date(2027, 1, 1)
# the city lowers its township limit: 任城 and 汶上 take it from the city, 曲阜 (370881) has its own
CITY_TEXT = (FIXTURES / CITY).read_text(encoding="utf-8")
EDITED = CITY_TEXT.replace("  township_limit: 3000\n", "  township_limit: 2500\n")
_RULES: dict = {}


def rule_sets():
    if not _RULES:
        assert EDITED != CITY_TEXT
        _RULES["current"], faults = check_directory(FIXTURES)
        _RULES["proposed"], more = check_directory(FIXTURES, overrides={CITY: EDITED})
        assert not faults and not more, faults + more
    return _RULES["current"], _RULES["proposed"]


def reference(current, proposed, apps):
    """Every application parsed and evaluated under both rule sets, compared field by field."""
    counts = {"changed": 0, "eligible_before": 0, "eligible_after": 0, "errors_before": 0, "errors_after": 0}
    total_before = total_after = 0
    changed_keys = []
    for key, data in apps:
        try:
            req = parse_input(redated(data, AS_OF.isoformat()))
        except InputError as exc:
            req = exc
        before, after = Outcome.of(req, current), Outcome.of(req, proposed)
        counts["eligible_before"] += bool(before.eligible)
        counts["eligible_after"] += bool(after.eligible)
        counts["errors_before"] += before.error is not None
        counts["errors_after"] += after.error is not None
        total_before += before.suggested or 0
        total_after += after.suggested or 0
        if (before.eligible, before.level, before.suggested) != (after.eligible, after.level, after.suggested):
            counts["changed"] += 1
            changed_keys.append(key)
    return counts, total_before, total_after, changed_keys


def test_a_county_with_its_own_limit_keeps_its_decisive_rules_the_others_do_not():
    current, proposed = rule_sets()
    assert decisive_rules(current, "370881", AS_OF) == decisive_rules(proposed, "370881", AS_OF)
    assert decisive_rules(current, "370811", AS_OF) != decisive_rules(proposed, "370811", AS_OF)
    assert decisive_rules(current, "999999", AS_OF) is None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(applications(), min_size=1, max_size=25))
def test_the_fast_impact_equals_evaluating_everything_twice(apps):
    current, proposed = rule_sets()
    keyed = list(enumerate(apps)) + [("bad", {"county": "370881"})]
    result = impact(current, proposed, keyed, AS_OF, examples=1000)
    counts, total_before, total_after, changed_keys = reference(current, proposed, keyed)
    assert result.applications == len(keyed)
    for name, value in counts.items():
        assert getattr(result, name) == value, name
    assert result.total_before == total_before and result.total_after == total_after
    assert [example.key for example in result.examples] == changed_keys


UNCHANGED_BASE = {"kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-03-01",
                  "residency": "local_hukou", "area": "urban", "household": {"size": 2}, "requested_amount": "800"}
UNCHANGED_APPS = [(i, dict(UNCHANGED_BASE, county=county)) for i, county in enumerate(["370881", "370811", "370881", "370830"])]


def test_an_unchanged_county_is_evaluated_once(monkeypatch):
    current, proposed = rule_sets()
    seen = []
    real = engine.evaluate_request

    def counting(req, rules, explain=True):
        seen.append((req.county, rules is proposed))
        return real(req, rules, explain)

    monkeypatch.setattr(impact_module, "evaluate_request", counting)
    impact(current, proposed, UNCHANGED_APPS, AS_OF, columns=False)
    assert seen.count(("370881", True)) == 0 and seen.count(("370881", False)) == 2
    assert seen.count(("370811", True)) == 1 and seen.count(("370830", True)) == 1


def _decided_by(monkeypatch, current, proposed, apps) -> list:
    """``(county, under the proposed rules)`` of every decision the decision path makes over ``apps``."""
    seen = []
    real = Decider._decide

    def counting(self, group, row):
        seen.append((row.county, self.rules is proposed))
        return real(self, group, row)

    monkeypatch.setattr(Decider, "_decide", counting)
    monkeypatch.setattr(impact_module, "evaluate_request", None)  # never the engine: these are plain
    impact(current, proposed, apps, AS_OF)
    return seen


def test_an_unchanged_county_is_decided_once_on_the_decision_path(monkeypatch):
    current, proposed = rule_sets()
    seen = _decided_by(monkeypatch, current, proposed, UNCHANGED_APPS)
    assert seen.count(("370881", True)) == 0 and seen.count(("370881", False)) == 2


def test_a_change_of_the_approval_limit_alone_decides_each_application_once(monkeypatch):
    """任城 and 汶上 take the lowered limit: their groups differ in it alone, so each application is decided
    under the current rules and only its level is set again under the proposed ones."""
    current, _ = rule_sets()
    proposed, faults = check_directory(FIXTURES, overrides={CITY: CITY_TEXT.replace(
        "  township_limit: 3000\n", "  township_limit: 2100\n")})
    assert not faults, faults
    near = [(i, dict(UNCHANGED_BASE, county="370811", severity="heavy", cost=cost))  # 2100 at most but the last
            for i, cost in enumerate(["1000", "2099.99", "2100", "2100.01", "2999", "40000"])]
    result = impact(current, proposed, near, AS_OF, examples=10)
    assert result == impact(current, proposed, near, AS_OF, examples=10, columns=False)
    assert result.changed_level == result.changed == 0  # 2100 is within the lowered limit, the rest as before
    lower, faults = check_directory(FIXTURES, overrides={CITY: CITY_TEXT.replace(
        "  township_limit: 3000\n", "  township_limit: 2099.99\n")})
    moved = impact(current, lower, near, AS_OF, examples=10)
    assert moved == impact(current, lower, near, AS_OF, examples=10, columns=False)
    assert moved.changed_level == moved.changed == 3 and moved.changed_amount == 0  # the three at 2100
    seen = _decided_by(monkeypatch, current, proposed, UNCHANGED_APPS + near)
    assert ("370811", True) not in seen and ("370830", True) not in seen
    assert len(seen) == len(UNCHANGED_APPS + near)


def test_any_other_change_decides_under_both_rule_sets(monkeypatch):
    current, _ = rule_sets()
    raised, faults = check_directory(FIXTURES, overrides={CITY: CITY_TEXT.replace(
        "  emergency_light_cap: 1000\n", "  emergency_light_cap: 900\n")})
    assert not faults, faults
    seen = _decided_by(monkeypatch, current, raised, UNCHANGED_APPS)
    assert seen.count(("370811", True)) == 1 and seen.count(("370830", True)) == 1


class Sized:
    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


def test_progress_hears_the_start_every_few_thousand_and_the_end(monkeypatch):
    current, proposed = rule_sets()
    monkeypatch.setattr(impact_module, "PROGRESS_EVERY", 4)
    base = {"county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
            "application_date": "2026-03-01", "residency": "local_hukou", "area": "urban", "household": {"size": 2}}
    calls = []
    impact(current, proposed, Sized([(i, base) for i in range(10)]), AS_OF, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, 10), (4, 10), (8, 10), (10, 10)]
    calls.clear()
    impact(current, proposed, ((i, base) for i in range(5)), AS_OF, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(0, None), (4, None), (5, None)]  # a generator has no length: total unknown
