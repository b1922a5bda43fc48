"""Loading and validating rule directories: positions, exact numbers, inheritance, the public API."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import app.rules as engine
from app.rules import Category, Fault, dumps, load_rules, validate_rules
from app.rules.calendar import WorkCalendar, package_knows
from app.rules.jsonout import money

from .conftest import FIXTURES

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def rules_dir(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(FIXTURES, target)
    return target


def write(rules_dir, rel, text):
    path = rules_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_public_api_names():
    for name in ("load_rules", "validate_rules", "evaluate", "dumps", "error_json", "RuleStore", "RuleSet",
                 "Fault", "RulesInvalid", "InputError"):
        assert hasattr(engine, name), name


def test_the_engine_imports_nothing_from_flask_or_the_database():
    code = ("import sys, app.rules, app.rules.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_appbuilder') "
            "or m.startswith('app.models')]; assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT)


def test_fault_prints_in_the_documented_format():
    fault = Fault("counties/370811-rencheng.yaml", 9, 5, "aid.illness_tiers[2].multiplier", "15", "at most 12")
    assert str(fault) == "counties/370811-rencheng.yaml:9:5: aid.illness_tiers[2].multiplier: found 15, expected at most 12"


def test_numbers_are_exact_decimals_from_their_text(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml",
          'extends: jining\nregion: {code: "370830", name: 汶上县}\n'
          "standards:\n  dibao_monthly:\n    urban: 612.1\n"
          "aid:\n  education_tiers:\n    - {from: 0, multiplier: 3.3}\n")
    rules = load_rules(rules_dir)
    shown = rules.effective("370830", date(2020, 1, 1))
    assert shown["standards"]["dibao_monthly"]["urban"]["value"] == Decimal("612.1")
    assert type(shown["standards"]["dibao_monthly"]["urban"]["value"]) is Decimal
    assert str(shown["aid"]["education_tiers"]["value"][0]["multiplier"]) == "3.3"


def test_unquoted_region_code_is_read_as_its_digits(fixture_rules):
    assert "370811" in fixture_rules.counties()
    assert fixture_rules.effective("370811", date(2019, 1, 1))["region"]["code"]["value"] == "370811"


def test_effective_merges_county_over_city_with_sources(fixture_rules):
    shown = fixture_rules.effective("370881", date(2020, 8, 1))
    assert shown["aid"]["cap_at_cost"] == {"value": False, "source": "counties/370881-qufu.yaml:9"}
    assert shown["aid"]["illness_tiers"]["since"] == date(2020, 7, 1)
    assert [row["multiplier"] for row in shown["aid"]["illness_tiers"]["value"]] == [4, 8]
    assert shown["aid"]["illness_tiers"]["value"][1]["source"] == "counties/370881-qufu.yaml:16"
    assert shown["aid"]["education_tiers"]["source"] == "jining.yaml:41"
    assert shown["cases"]["repeat_warning_days"]["value"] == 180
    assert shown["reserve_fund"]["low_balance"]["value"] == Decimal("20000")
    assert shown["charity"]["claim_return_days"]["value"] == 7
    assert "traffic_accident" not in shown["categories"]["incident"]
    assert shown["categories"]["other"]["flood"]["name"]["value"] == "洪涝"
    assert '"洪涝"' in dumps(shown)


def test_categories_for_forms(fixture_rules):
    rencheng = fixture_rules.categories("370811", date(2019, 3, 15))
    assert all(isinstance(c, Category) for c in rencheng)
    by_key = {f"{c.kind}:{c.code}": c for c in rencheng}
    assert by_key["illness:uremia"] == Category("illness", "uremia", "尿毒症", ("居民身份证", "诊断证明", "医疗费用票据"),
                                                "illness_tiers")
    assert by_key["illness:hemophilia"].tiers == "disability_tiers"
    assert by_key["education:college"].tiers == "education_tiers"
    assert by_key["incident:traffic_accident"].documents == ()
    assert [c.kind for c in rencheng] == sorted((c.kind for c in rencheng),
                                                key=["incident", "illness", "education", "other"].index)
    assert "incident:traffic_accident" not in {f"{c.kind}:{c.code}" for c in fixture_rules.categories("370881")}


def test_every_fault_of_a_file_is_reported_in_one_run(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml",
          'extends: jining\nregion: {code: "370830", name: 汶上县}\n'
          "approval:\n  township_limit: -5\n  expenditure_working_days: 0\n"
          "eligibility:\n  residency: [local_hukou, passport]\n"
          "aid:\n  cap_at_cost: yes\n")
    faults = validate_rules(rules_dir)
    assert [(f.line, f.path) for f in faults] == [
        (4, "approval.township_limit"), (5, "approval.expenditure_working_days"),
        (7, "eligibility.residency[2]"), (9, "aid.cap_at_cost")]


def test_every_duplicate_key_is_reported(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml",
          'extends: jining\nregion:\n  code: "370830"\n  name: 汶上县\n  name: 汶上\n'
          "approval:\n  township_limit: 2000\n  township_limit: 2500\n")
    assert [(f.line, f.column, f.path) for f in validate_rules(rules_dir)] == [
        (5, 3, "region.name"), (8, 3, "approval.township_limit")]


def test_syntax_error_is_reported_where_the_parser_stopped(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml", 'extends: jining\nregion:\n  code: "370830\n  name: x\n')
    (fault,) = validate_rules(rules_dir)
    assert fault.file == "counties/370830-wenshang.yaml" and fault.path == "(yaml)" and fault.line >= 3


def test_dated_series_with_a_non_date_key_and_an_impossible_day(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml",
          'extends: jining\nregion: {code: "370830", name: 汶上县}\n'
          "standards:\n  dibao_monthly:\n    urban:\n      2019-01-01: 600\n      from 2020: 650\n"
          "      2019-02-29: 610\n")
    faults = validate_rules(rules_dir)
    assert [(f.line, f.column) for f in faults] == [(7, 7), (8, 7)]
    assert "no such day" in faults[1].found


def test_null_removes_only_categories(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml",
          'extends: jining\nregion: {code: "370830", name: 汶上县}\naid:\n  emergency_light_cap: null\n')
    (fault,) = validate_rules(rules_dir)
    assert (fault.line, fault.path, fault.found) == (4, "aid.emergency_light_cap", "null")


def test_a_city_category_without_a_name_is_a_fault(rules_dir):
    text = (rules_dir / "jining.yaml").read_text(encoding="utf-8")
    write(rules_dir, "jining.yaml", text.replace("    college:\n      name: 大学\n", "    college:\n      documents: [x]\n"))
    faults = validate_rules(rules_dir)
    assert {f.where for f in faults} == {"jining.yaml:75"} and faults[0].path == "categories.education.college.name"


def test_a_county_may_define_a_table_and_the_city_may_bound_it(rules_dir):
    text = (rules_dir / "jining.yaml").read_text(encoding="utf-8")
    write(rules_dir, "jining.yaml", text + "  aid.disability_tiers.multiplier: [null, 3]\n")
    (fault,) = validate_rules(rules_dir)
    assert (fault.where, fault.path) == ("counties/370811-rencheng.yaml:23", "aid.disability_tiers[2].multiplier")


def test_missing_required_values_are_reported_at_the_county(rules_dir):
    text = (rules_dir / "jining.yaml").read_text(encoding="utf-8")
    write(rules_dir, "jining.yaml", text.replace("  cap_at_cost: true\n", ""))
    faults = validate_rules(rules_dir)
    assert {f.where for f in faults} == {"counties/370811-rencheng.yaml:2", "counties/370830-wenshang.yaml:2"}
    assert all(f.path == "aid.cap_at_cost" for f in faults)


def test_file_level_faults(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml", "# nothing yet\n")
    write(rules_dir, "counties/370832-liangshan.yml", 'extends: jining\nregion: {code: "370832", name: 梁山县}\n')
    (rules_dir / "counties/370831-sishui.yaml").write_bytes(b"extends: jining\nregion: {code: \"370831\", name: \xff}\n")
    faults = validate_rules(rules_dir)
    assert [f.where for f in faults] == ["counties/370830-wenshang.yaml:1", "counties/370831-sishui.yaml:2",
                                         "counties/370832-liangshan.yml:1"]


def test_an_empty_calendar_mapping_is_valid(rules_dir):
    write(rules_dir, "calendar.yaml", "# nothing listed yet\n{}\n")
    assert validate_rules(rules_dir) == []
    write(rules_dir, "calendar.yaml", "# only comments\n")
    assert validate_rules(rules_dir) == []


def test_calendar_dates_must_lie_in_their_year(rules_dir):
    write(rules_dir, "calendar.yaml", "2027:\n  holidays: [2028-01-01]\n")
    (fault,) = validate_rules(rules_dir)
    assert (fault.where, fault.path) == ("calendar.yaml:2", "2027.holidays[1]")


def test_work_calendar_sources():
    calendar = WorkCalendar({2027: (frozenset({date(2027, 1, 1)}), frozenset({date(2027, 2, 20)}))})
    assert calendar.source_of(2019) == "chinese-calendar"
    assert calendar.source_of(2027) == "calendar.yaml"
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 2, 20))
    assert calendar.is_workday(date(2019, 2, 2)) and not calendar.is_workday(date(2019, 2, 4))
    assert calendar.add_working_days(date(2019, 3, 15), 0) == (date(2019, 3, 15), ())
    if not package_knows(2040):
        assert calendar.source_of(2040) == "weekdays"
        assert calendar.add_working_days(date(2040, 1, 5), 1) == (date(2040, 1, 6), ("calendar_unverified:2040",))
        assert calendar.add_working_days(date(2040, 1, 6), 1) == (date(2040, 1, 9), ("calendar_unverified:2040",))


def test_money_text_is_plain_and_normalised():
    assert money(Decimal("5.85E+3")) == "5850"
    assert money(Decimal("412.50")) == "412.5"
    assert money(Decimal("0.00")) == "0"
    assert money(Decimal("-0")) == "0"
    assert money(Decimal("1E-7")) == "0.0000001"


def test_the_shipped_rules_are_valid():
    faults = validate_rules(PROJECT / "rules")
    assert faults == [], "\n".join(map(str, faults))


def test_keys_in_the_wrong_file_say_where_they_belong(rules_dir):
    write(rules_dir, "counties/370830-wenshang.yaml",
          'extends: jining\nregion: {code: "370830", name: 汶上县}\nbounds:\n  aid.emergency_light_cap: [0, 2000]\n')
    text = (rules_dir / "jining.yaml").read_text(encoding="utf-8")
    write(rules_dir, "jining.yaml", text + "raised:\n  aid.illness_tiers.multiplier: x\n")
    faults = validate_rules(rules_dir)
    assert [(f.where, f.path) for f in faults] == [("counties/370830-wenshang.yaml:3", "bounds"),
                                                   ("jining.yaml:86", "raised")]
    assert "only in the city file" in faults[0].expected and "only in county files" in faults[1].expected


def test_an_edit_can_be_checked_before_it_is_written(rules_dir):
    path = rules_dir / "counties/370830-wenshang.yaml"
    before = path.read_text(encoding="utf-8")
    bad = before + "approval:\n  township_limit: 5000\n"
    (fault,) = validate_rules(rules_dir, overrides={"counties/370830-wenshang.yaml": bad})
    assert fault.where == "counties/370830-wenshang.yaml:7" and "at most 3000" in fault.expected
    assert path.read_text(encoding="utf-8") == before
    assert validate_rules(rules_dir, overrides={"counties/370830-wenshang.yaml": before + "approval:\n  township_limit: 2500\n"}) == []
    new_county = 'extends: jining\nregion: {code: "370832", name: 梁山县}\n'
    assert validate_rules(rules_dir, overrides={"counties/370832-liangshan.yaml": new_county}) == []
