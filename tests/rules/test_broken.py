"""Broken rule sets: ``broken/<fault>/`` is a whole rules directory with one kind of fault (one has two
faults in two files); ``expected.txt`` lists the ``file:line`` of each fault the validator must report.
Every fault is reported in one run, at the right line, and nothing else is reported."""
from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from app.rules import RulesInvalid, load_rules, validate_rules
from app.rules.cli import rules_group

from .conftest import BROKEN

FAULT_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<path>[^:]+): found .+, expected .+$")
REQUIRED_KINDS = {
    "yaml-syntax-error", "unknown-key", "wrong-type", "duplicate-key", "invalid-date-key", "unsorted-tiers",
    "first-tier-not-zero", "multiplier-above-bound", "raised-not-raisable", "county-code-mismatch",
    "extends-no-file", "category-tiers-no-table", "calendar-date-in-both-lists", "two-faults-two-files",
    # the 2026 opinion's keys
    "emergency-residency-unknown-status", "quick-cap-negative", "quick-days-not-whole",
    "recognised-months-not-whole", "posting-days-negative", "quick-cap-above-bound", "quick-cap-raised",
    "opinion-2026-faults-each-at-its-own-line",
    # decision documents and disclosure (issue 15)
    "documents-keys-faults",
    # the dashboards' performance section (绩效目标表)
    "performance-faults",
    # the lead inbox's response clock
    "lead-hours-not-whole",
    # the repeat period: a year at most (the dashboards' summary looks back that far)
    "repeat-days-past-a-year",
}
BROKEN_DIRS = sorted(p for p in BROKEN.iterdir() if p.is_dir())


def _expected(directory):
    return sorted(line.strip() for line in (directory / "expected.txt").read_text(encoding="utf-8").splitlines()
                  if line.strip())


def test_every_required_kind_of_fault_has_a_directory():
    assert REQUIRED_KINDS <= {p.name for p in BROKEN_DIRS}


@pytest.mark.parametrize("directory", BROKEN_DIRS, ids=lambda p: p.name)
def test_broken_rule_set_is_rejected_at_the_right_lines(directory):
    faults = validate_rules(directory)
    assert sorted(f.where for f in faults) == _expected(directory), "\n".join(map(str, faults))
    for fault in faults:
        assert FAULT_LINE.match(str(fault)), str(fault)
        assert fault.line >= 1 and fault.column >= 1
    with pytest.raises(RulesInvalid) as caught:
        load_rules(directory)
    assert [str(f) for f in caught.value.faults] == [str(f) for f in faults]


@pytest.mark.parametrize("directory", BROKEN_DIRS, ids=lambda p: p.name)
def test_cli_validate_lists_the_faults_and_exits_non_zero(directory):
    result = CliRunner().invoke(rules_group, ["validate", "--rules", str(directory)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    assert sorted(":".join(line.split(":")[:2]) for line in lines) == _expected(directory)
    assert all(FAULT_LINE.match(line) for line in lines), lines


def test_two_faults_in_two_files_are_both_reported_in_one_run():
    faults = validate_rules(BROKEN / "two-faults-two-files")
    assert {f.file for f in faults} == {"jining.yaml", "counties/370811-rencheng.yaml"}


def test_fault_text_is_exactly_the_documented_format():
    (fault,) = validate_rules(BROKEN / "wrong-type")
    assert str(fault) == ("counties/370811-rencheng.yaml:7:19: approval.township_limit: "
                          "found 'two thousand', expected a number >= 0")


def test_date_key_that_is_no_real_day_is_a_fault_at_its_own_line():
    (fault,) = validate_rules(BROKEN / "invalid-date-key")
    assert (fault.file, fault.line, fault.column) == ("jining.yaml", 9, 7)
    assert fault.path == "standards.dibao_monthly.urban.2019-13-01"


def test_table_fault_points_at_the_offending_row():
    (fault,) = validate_rules(BROKEN / "unsorted-tiers")
    assert fault.path == "aid.illness_tiers[3].from"
    (fault,) = validate_rules(BROKEN / "multiplier-above-bound")
    assert fault.path == "aid.illness_tiers[2].multiplier" and "raised" in fault.expected
