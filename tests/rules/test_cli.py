"""``tempaid rules validate|evaluate|show`` through click's CliRunner (no Flask, no database)."""
from __future__ import annotations

import json

from click.testing import CliRunner

from app.rules import dumps, error_json, evaluate, InputError
from app.rules.cli import default_rules_dir, rules, rules_group

from .conftest import BROKEN, FIXTURES

APPLICATION = {
    "county": "370830", "kind": "expenditure", "category": "illness:uremia", "application_date": "2019-03-15",
    "residency": "local_hukou", "area": "urban",
    "household": {"size": 2, "monthly_income": ["1000"] * 12, "monthly_necessary_expenses": ["200"] * 6,
                  "financial_assets": "10000", "houses": 1, "vehicles": 0, "dibao": True,
                  "recognised_on": "2019-01-01"},  # the 2026 opinion asks for the day dibao was recognised
    "cost": "8000",
}


def run(*args, input=None, env=None):
    return CliRunner().invoke(rules_group, [str(a) for a in args], input=input, env=env)


def test_the_group_is_named_rules_and_has_the_three_commands():
    assert rules is rules_group and rules.name == "rules"
    assert set(rules.commands) == {"validate", "evaluate", "show"}


def test_validate_clean_directory_exits_zero_with_counts():
    result = run("validate", "--rules", FIXTURES)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("OK:") and "3 county rule sets" in result.stdout


def test_validate_broken_directory_exits_one():
    result = run("validate", "--rules", BROKEN / "two-faults-two-files")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 2


def test_validate_reads_a_files_faults_from_the_cache_only_for_its_very_bytes(tmp_path):
    """validate starts from the checked-files cache as every rules command does: the same bytes give the
    same faults, and a changed file is checked again."""
    import shutil

    rules_dir = tmp_path / "rules"
    shutil.copytree(BROKEN / "two-faults-two-files", rules_dir)
    first, again = run("validate", "--rules", rules_dir), run("validate", "--rules", rules_dir)
    assert first.exit_code == again.exit_code == 1 and first.stdout == again.stdout
    shutil.rmtree(rules_dir)
    shutil.copytree(FIXTURES, rules_dir)
    assert run("validate", "--rules", rules_dir).exit_code == 0


def test_evaluate_file_prints_exactly_dumps_of_evaluate(tmp_path, fixture_rules):
    path = tmp_path / "application.json"
    path.write_text(json.dumps(APPLICATION), encoding="utf-8")
    result = run("evaluate", "--rules", FIXTURES, path)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (dumps(evaluate(APPLICATION, fixture_rules)) + "\n").encode("utf-8")
    assert json.loads(result.stdout)["notes"] == ["verify_necessary_expenses"]


def test_evaluate_standard_input():
    result = run("evaluate", "--rules", FIXTURES, "-", input=json.dumps(APPLICATION))
    assert result.exit_code == 0
    assert json.loads(result.stdout)["amount"]["suggested"] == "3600"


def test_evaluate_bad_input_prints_the_error_object_and_exits_two(fixture_rules):
    bad = dict(APPLICATION, cost="-5")
    result = run("evaluate", "--rules", FIXTURES, "-", input=json.dumps(bad))
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"error": {"field": "cost", "message": "must not be negative (found -5)"}}
    try:
        evaluate(bad, fixture_rules)
    except InputError as exc:
        assert result.stdout == dumps(error_json(exc)) + "\n"


def test_evaluate_invalid_json_exits_two():
    result = run("evaluate", "--rules", FIXTURES, "-", input="{not json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["field"] is None


def test_evaluate_with_broken_rules_exits_one_and_lists_faults_on_stderr():
    result = run("evaluate", "--rules", BROKEN / "wrong-type", "-", input=json.dumps(APPLICATION))
    assert result.exit_code == 1
    assert "counties/370811-rencheng.yaml:7:19" in result.stderr


def test_rules_dir_defaults_to_the_environment_variable(monkeypatch):
    result = run("evaluate", "-", input=json.dumps(APPLICATION), env={"RULES_DIR": str(FIXTURES)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["checks"][1]["source"] == "jining.yaml:10"
    monkeypatch.delenv("RULES_DIR", raising=False)
    assert default_rules_dir().name == "rules" and (default_rules_dir().parent / "app").is_dir()


def test_show_lists_every_value_with_its_source():
    result = run("show", "--rules", FIXTURES, "--county", "370811", "--date", "2019-03-15")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "standards.dibao_monthly.urban = 620  [counties/370811-rencheng.yaml:10, since 2018-07-01]" in text
    assert "aid.emergency_light_cap = 1000  [jining.yaml:34]" in text
    assert "  row 5: from 60000, multiplier 15  [counties/370811-rencheng.yaml:20]" in text
    assert "categories.illness.hemophilia.tiers = disability_tiers  [counties/370811-rencheng.yaml:32]" in text
    assert "cases.repeat_warning_days = 180  [jining.yaml:53]" in text


def test_show_json_and_a_date_before_a_series_starts():
    result = run("show", "--rules", FIXTURES, "--county", "370881", "--date", "2018-12-31", "--json")
    assert result.exit_code == 0
    shown = json.loads(result.stdout)
    assert shown["rules"]["aid"]["illness_tiers"]["value"] is None
    assert shown["rules"]["aid"]["illness_tiers"]["first_date"] == "2019-01-01"
    assert "traffic_accident" not in shown["rules"]["categories"]["incident"]
    assert shown["rules"]["approval"]["township_limit"] == {"value": "2000", "source": "counties/370881-qufu.yaml:19"}


def test_show_defaults_to_today():
    result = run("show", "--rules", FIXTURES, "--county", "370830")
    assert result.exit_code == 0
    assert "650" in result.stdout


def test_show_unknown_county_exits_two():
    result = run("show", "--rules", FIXTURES, "--county", "370899")
    assert result.exit_code == 2
    assert "no rule file for county 370899" in result.stderr
