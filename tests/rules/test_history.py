"""History is never rewritten: which values a change would alter on days that have already come."""
from __future__ import annotations

from datetime import date

from app.rules.history import FIRST_DAY, rewritten
from app.rules.loader import check_directory
from tests.rule_edit_support import RENCHENG, copy_rules

RAISED_FROM = "      2026-07-01: 915"


def rules_with(rules_dir, text):
    rules, faults = check_directory(rules_dir, overrides={RENCHENG: text})
    assert not faults, faults
    return rules


def test_a_value_changed_on_a_day_gone_by_is_named_with_its_first_day(tmp_path):
    rules_dir = copy_rules(tmp_path)
    text = (rules_dir / RENCHENG).read_text(encoding="utf-8")
    assert RAISED_FROM in text
    old = rules_with(rules_dir, text)
    new = rules_with(rules_dir, text.replace(RAISED_FROM, "      2026-07-01: 930"))
    found = rewritten(old, new, ["370811", "370881"], date(2026, 11, 29))
    assert [(r.county, r.path, r.day) for r in found] == [("370811", "standards.dibao_monthly.urban",
                                                           date(2026, 7, 1))]
    # the day before the entry comes into force, nothing served so far changes
    assert rewritten(old, new, ["370811"], date(2026, 6, 30)) == []


def test_moved_lines_and_planned_entries_are_not_history(tmp_path):
    rules_dir = copy_rules(tmp_path)
    text = (rules_dir / RENCHENG).read_text(encoding="utf-8")
    old = rules_with(rules_dir, text)
    moved = rules_with(rules_dir, "# 新增注释，行号后移\n\n" + text)
    assert rewritten(old, moved, ["370811"], date(2030, 1, 1)) == []
    planned = rules_with(rules_dir, text.replace(RAISED_FROM, RAISED_FROM + "\n      2031-01-01: 999"))
    assert rewritten(old, planned, ["370811"], date(2030, 12, 31)) == []
    assert [r.day for r in rewritten(old, planned, ["370811"], date(2031, 1, 1))] == [date(2031, 1, 1)]


def test_a_plain_value_changed_outright_rewrites_it_from_the_first_day(tmp_path):
    rules_dir = copy_rules(tmp_path)
    text = (rules_dir / RENCHENG).read_text(encoding="utf-8")
    old = rules_with(rules_dir, text)
    new = rules_with(rules_dir, text.rstrip("\n") + "\n\napproval:\n  township_limit: 2500\n")
    found = rewritten(old, new, ["370811"], date(2026, 11, 29))
    assert [(r.path, r.day) for r in found] == [("approval.township_limit", FIRST_DAY)]


def test_a_plain_value_turned_into_a_series_from_the_first_day_keeps_its_history(tmp_path):
    rules_dir = copy_rules(tmp_path)
    city = (rules_dir / "jining.yaml").read_text(encoding="utf-8")
    assert "  emergency_light_cap: 1000\n" in city
    old, _ = check_directory(rules_dir)
    dated = city.replace("  emergency_light_cap: 1000\n",
                         "  emergency_light_cap:\n    1900-01-01: 1000\n    2031-01-01: 900\n")
    new, faults = check_directory(rules_dir, overrides={"jining.yaml": dated})
    assert not faults
    assert rewritten(old, new, old.counties(), date(2030, 12, 31)) == []
    assert len(rewritten(old, new, old.counties(), date(2031, 1, 1))) == len(old.counties())
