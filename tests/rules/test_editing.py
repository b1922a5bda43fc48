"""The rule editor's edits: only the lines an edit needs change, comments survive, history is never
rewritten, and the loader's faults land on the form's fields."""
from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.rules import evaluate
from app.rules import yamledit
from app.rules.editform import changes_from_form, editor_form, place_faults
from app.rules.editing import SINCE_ALWAYS, RuleFile, propose
from app.rules.impact import impact
from app.rules.loader import check_directory
from tests.rule_edit_support import CITY, PROJECT_RULES, QUFU, RENCHENG, changed_lines, copy_rules

from .conftest import FIXTURES
from .test_cli import APPLICATION

TODAY = date(2026, 11, 30)
NEXT_JULY = date(2027, 7, 1)
YUTAI = "counties/370827-yutai.yaml"
SISHUI = "counties/370831-sishui.yaml"
WENSHANG = "counties/370830-wenshang.yaml"


@pytest.fixture()
def rules_dir(tmp_path) -> Path:
    return copy_rules(tmp_path)


def edit(rules_dir: Path, rel: str, today: date = TODAY, shown_on: date = TODAY, **fields):
    """What a form posting ``fields`` (named as the editor names them) proposes for ``rel``."""
    rule_file = RuleFile(rules_dir, rel)
    form = editor_form(rule_file, shown_on)
    return rule_file, form, propose(rule_file, changes_from_form(form, fields), shown_on, today)


def comments(text: str) -> list[str]:
    return [line.split("#", 1)[1] for line in text.splitlines() if "#" in line]


def proposed_rules(rules_dir: Path, proposal):
    rules, faults = check_directory(rules_dir, overrides={proposal.rel: proposal.text})
    assert faults == [], faults
    return rules


def limit_on(rules, county: str, day: str, **changes) -> str:
    data = dict(APPLICATION, county=county, application_date=day, **changes)
    return evaluate(data, rules)["checks"][1]["limit"]


# --- round trip ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(p.relative_to(PROJECT_RULES).as_posix()
                                        for p in [*PROJECT_RULES.glob("*.yaml"), *PROJECT_RULES.glob("counties/*.yaml")]))
def test_every_shipped_file_round_trips_byte_for_byte(path):
    text = (PROJECT_RULES / path).read_text(encoding="utf-8")
    assert yamledit.dump(yamledit.load(text)) == text


# --- dated values: an entry is added, history kept --------------------------------------------------


def test_raising_a_dated_standard_adds_one_line_and_keeps_every_comment(rules_dir):
    rule_file, _, proposal = edit(rules_dir, RENCHENG, effective="2027-07-01",
                                  **{"value:standards.dibao_monthly.urban": "960"})
    assert proposal.problems == [] and proposal.changed == ["value:standards.dibao_monthly.urban"]
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == [] and added == ["      2027-07-01: 960"]
    old, new = rule_file.text.splitlines(), proposal.text.splitlines()
    at = new.index("      2027-07-01: 960")
    assert new[:at] == old[:at] and new[at + 1:] == old[at:]  # line by line: everything else is identical
    assert new[at - 1].startswith("      2026-07-01: 915   # 2026年度")
    assert new[at + 1] == "    # 农村低保月标准 —— 占位数据，待县（市、区）民政局确认"  # the heading stays above rural
    assert comments(proposal.text) == comments(rule_file.text)
    assert "+      2027-07-01: 960" in proposal.diff


def test_history_is_kept_the_new_value_applies_from_its_date(rules_dir):
    _, _, proposal = edit(rules_dir, RENCHENG, effective="2027-07-01", **{"value:standards.dibao_monthly.urban": "960"})
    rules = proposed_rules(rules_dir, proposal)
    assert limit_on(rules, "370811", "2020-01-15") == "660"
    assert limit_on(rules, "370811", "2027-06-30") == "915"
    assert limit_on(rules, "370811", "2027-07-01") == "960"


def test_a_plain_value_becomes_a_series_keeping_the_old_value_since_always(rules_dir):
    rule_file, _, proposal = edit(rules_dir, YUTAI, effective="2027-01-01", **{"value:approval.township_limit": "1800"})
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == ["  township_limit: 2000"]
    assert added == ["  township_limit:", f"    {SINCE_ALWAYS.isoformat()}: 2000", "    2027-01-01: 1800"]
    assert comments(proposal.text) == comments(rule_file.text)
    county = proposed_rules(rules_dir, proposal).county("370827")
    assert county.params(date(2018, 1, 1))["approval.township_limit"].value == 2000
    assert county.params(date(2026, 12, 31))["approval.township_limit"].value == 2000
    assert county.params(date(2027, 1, 1))["approval.township_limit"].value == 1800


def test_an_inherited_plain_value_is_restated_in_the_county_file(rules_dir):
    rule_file, _, proposal = edit(rules_dir, RENCHENG, effective="2027-01-01", **{"value:approval.township_limit": "2500"})
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == []
    assert added == ["approval:", "  township_limit:", "    1900-01-01: 3000", "    2027-01-01: 2500", ""]
    text = proposal.text
    assert text.index("approval:") < text.index("categories:")  # a new section in the format's order
    county = proposed_rules(rules_dir, proposal).county("370811")
    assert county.params(date(2026, 12, 31))["approval.township_limit"].value == 3000
    assert county.params(date(2027, 1, 1))["approval.township_limit"].value == 2500


def test_an_inherited_series_is_restated_with_the_city_entries_before_the_date(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(FIXTURES, rules_dir)
    _, _, proposal = edit(rules_dir, WENSHANG, effective="2027-07-01", **{"value:standards.dibao_monthly.urban": "700"})
    assert "standards:\n  dibao_monthly:\n    urban:\n      2018-07-01: 600\n      2019-07-01: 650\n" \
           "      2027-07-01: 700\n" in proposal.text
    rules = proposed_rules(rules_dir, proposal)
    assert limit_on(rules, "370830", "2019-03-15") == "600"
    assert limit_on(rules, "370830", "2027-07-01") == "700"


def test_restating_an_inherited_series_names_the_city_entries_that_no_longer_reach_the_county(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(FIXTURES, rules_dir)
    city = rules_dir / "jining.yaml"
    text = city.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.strip().startswith("2019-07-01: 650"))
    city.write_text(text.replace(line, line + "\n" + line.replace("2019-07-01: 650", "2028-01-01: 720"), 1),
                    encoding="utf-8")
    _, _, proposal = edit(rules_dir, WENSHANG, effective="2027-07-01", **{"value:standards.dibao_monthly.urban": "700"})
    assert [(n.field, n.code, n.detail) for n in proposal.notes] == [
        ("standards.dibao_monthly.urban", "restated_drops", "2028-01-01: 720")]
    assert proposal.problems == [] and "2028-01-01" not in proposal.text
    _, _, own = edit(rules_dir, WENSHANG, effective="2028-07-01", **{"value:standards.dibao_monthly.urban": "800"})
    assert own.notes == []  # every city entry lies before the date: nothing is left behind


def test_full_width_digits_typed_with_a_chinese_input_method_are_numbers(rules_dir):
    _, _, proposal = edit(rules_dir, RENCHENG, effective="2027-07-01", **{"value:standards.dibao_monthly.urban": "９６０"})
    assert "      2027-07-01: 960\n" in proposal.text
    assert proposed_rules(rules_dir, proposal).county("370811").params(NEXT_JULY)[
        "standards.dibao_monthly.urban"].value == 960


def test_the_date_must_be_given_and_not_in_the_past(rules_dir):
    _, _, missing = edit(rules_dir, RENCHENG, **{"value:standards.dibao_monthly.urban": "960"})
    assert [(p.field, p.code) for p in missing.problems] == [("effective", "effective_needed")]
    _, _, past = edit(rules_dir, RENCHENG, effective="2026-07-01", **{"value:standards.dibao_monthly.urban": "960"})
    assert [(p.field, p.code) for p in past.problems] == [("effective", "effective_past")]


def test_an_entry_in_force_is_never_replaced_a_planned_one_may_be(rules_dir):
    field = "value:standards.dibao_monthly.urban"
    # on the day itself the entry is in force: refused
    _, _, refused = edit(rules_dir, RENCHENG, today=date(2026, 7, 1), shown_on=date(2026, 7, 1),
                         effective="2026-07-01", **{field: "990"})
    assert [(p.field, p.code, p.detail) for p in refused.problems] == [(field, "entry_in_force", "2026-07-01")]
    # seen from before that day it is only planned: corrected in place, one line changed
    rule_file, _, corrected = edit(rules_dir, RENCHENG, today=date(2026, 6, 1), shown_on=date(2026, 6, 1),
                                   effective="2026-07-01", **{field: "990"})
    assert corrected.problems == []
    removed, added = changed_lines(rule_file.text, corrected.text)
    assert [r.split("#")[0].strip() for r in removed] == ["2026-07-01: 915"]
    assert [a.split("#")[0].strip() for a in added] == ["2026-07-01: 990"]
    assert "# 2026年度（7月起）" in added[0]  # its comment stays on its line


def test_an_entry_between_two_others_goes_in_date_order(rules_dir):
    rule_file, _, proposal = edit(rules_dir, SISHUI, effective="2027-01-01", **{"value:approval.township_limit": "2600"})
    assert proposal.text.endswith("    2018-01-01: 2000\n    2021-01-01: 3000\n    2027-01-01: 2600\n")
    _, _, between = edit(rules_dir, SISHUI, today=date(2020, 6, 1), shown_on=date(2020, 6, 1),
                         effective="2020-07-01", **{"value:approval.township_limit": "2500"})
    assert between.text.endswith("    2018-01-01: 2000\n    2020-07-01: 2500\n    2021-01-01: 3000\n")


def test_untouched_fields_never_undo_a_planned_change(rules_dir):
    """The form shows the rules in force today; an unchanged field is no change, even where a planned
    entry differs from today's value."""
    _, _, planned = edit(rules_dir, RENCHENG, effective="2027-07-01", **{"value:standards.dibao_monthly.urban": "960"})
    (rules_dir / RENCHENG).write_text(planned.text, encoding="utf-8")
    rule_file = RuleFile(rules_dir, RENCHENG)
    form = editor_form(rule_file, TODAY)
    posted = {field.name: field.shown for field in form.values}
    posted.update({"effective": "2028-01-01", "value:standards.dibao_monthly.rural": "760"})
    proposal = propose(rule_file, changes_from_form(form, posted), TODAY, TODAY)
    assert proposal.changed == ["value:standards.dibao_monthly.rural"]
    assert "2027-07-01: 960" in proposal.text


def test_nothing_typed_nothing_changed(rules_dir):
    rule_file = RuleFile(rules_dir, QUFU)
    form = editor_form(rule_file, TODAY)
    posted = {f.name: f.shown for f in form.values}
    for table in form.tables:
        for number, (start, multiplier) in enumerate(table.rows({}), 1):
            posted[f"{table.key}:{number}:from"], posted[f"{table.key}:{number}:multiplier"] = start, multiplier
        posted[f"raised:{table.name}"] = table.raised
    for category in form.categories:
        posted.update({f"{category.key}:name": category.name, f"{category.key}:tiers": category.tiers,
                       f"{category.key}:documents": "\r\n".join(category.documents)})
    proposal = propose(rule_file, changes_from_form(form, posted), TODAY, TODAY)
    assert proposal.unchanged and proposal.changed == [] and proposal.problems == []


# --- tier tables as rows -----------------------------------------------------------------------------


def rows(table: str, *pairs) -> dict:
    posted = {}
    for number, (start, multiplier) in enumerate(pairs, 1):
        posted[f"table:{table}:{number}:from"] = str(start)
        posted[f"table:{table}:{number}:multiplier"] = str(multiplier)
    return posted


def test_a_dated_tier_table_gets_a_new_dated_table_and_the_comment_after_it_stays(rules_dir):
    rule_file, _, proposal = edit(rules_dir, QUFU, effective="2027-07-01",
                                  **rows("illness_tiers", (0, 3), (5000, 5), (10000, 7), (20000, 9), (40000, 12),
                                         (60000, 15), (100000, 18)))
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == []
    assert added[0] == "    2027-07-01:" and added[-1] == "      - {from: 100000, multiplier: 18}" and len(added) == 8
    assert proposal.text.index("100000") < proposal.text.index("# 县级提高市定上限的依据")
    assert comments(proposal.text) == comments(rule_file.text)
    rules = proposed_rules(rules_dir, proposal)
    heavy = dict(APPLICATION, county="370881", cost="150000", household=dict(APPLICATION["household"], size=1,
                                                                             monthly_income=["100"] * 12))
    assert evaluate(dict(heavy, application_date="2027-06-30"), rules)["amount"]["multiplier"] == 15
    assert evaluate(dict(heavy, application_date="2027-07-01"), rules)["amount"]["multiplier"] == 18


def test_a_table_above_the_city_bound_is_a_fault_on_the_table_field(rules_dir):
    rule_file, form, proposal = edit(rules_dir, RENCHENG, effective="2027-07-01",
                                     **rows("illness_tiers", (0, 3), (5000, 13)))
    _, faults = check_directory(rules_dir, overrides={RENCHENG: proposal.text})
    placed, general = place_faults(faults, form)
    assert general == [] and list(placed) == ["table:illness_tiers"]
    assert "at most 12" in placed["table:illness_tiers"][0].expected
    # with a basis in raised, the county may go above it
    _, _, raised = edit(rules_dir, RENCHENG, effective="2027-07-01", **rows("illness_tiers", (0, 3), (5000, 13)),
                        **{"raised:illness_tiers": "任民发〔2027〕1号"})
    assert check_directory(rules_dir, overrides={RENCHENG: raised.text})[1] == []
    assert raised.text.endswith("\nraised:\n  aid.illness_tiers.multiplier: 任民发〔2027〕1号\n")


def test_an_unordered_table_and_a_word_for_a_number_are_faults_on_their_fields(rules_dir):
    _, form, proposal = edit(rules_dir, RENCHENG, effective="2027-07-01",
                             **rows("education_tiers", (0, 3), (5000, 4), (3000, 5)),
                             **{"value:approval.expenditure_working_days": "twenty",
                                "value:approval.emergency_pre_assist_hours": "12.5"})
    _, faults = check_directory(rules_dir, overrides={RENCHENG: proposal.text})
    placed, general = place_faults(faults, form)
    assert general == []
    assert set(placed) == {"table:education_tiers", "value:approval.expenditure_working_days",
                           "value:approval.emergency_pre_assist_hours"}
    assert placed["value:approval.expenditure_working_days"][0].found == "'twenty'"
    assert "whole number" in placed["value:approval.emergency_pre_assist_hours"][0].expected


# --- withdrawing a planned entry -------------------------------------------------------------------


def test_a_planned_raise_is_withdrawn_and_the_file_is_as_it_was(rules_dir):
    original = (rules_dir / RENCHENG).read_text(encoding="utf-8")
    _, _, planned = edit(rules_dir, RENCHENG, effective="2027-07-01", **{"value:standards.dibao_monthly.urban": "960"})
    (rules_dir / RENCHENG).write_text(planned.text, encoding="utf-8")
    _, form, _ = edit(rules_dir, RENCHENG)
    urban = next(v for v in form.values if v.path == "standards.dibao_monthly.urban")
    names = [e.withdraw_name(urban.path) for e in urban.entries]
    assert names[-1] == "withdraw:standards.dibao_monthly.urban:2027-07-01"
    assert set(names[:-1]) == {None}  # entries in force or past are history: no checkbox
    _, _, withdrawn = edit(rules_dir, RENCHENG, **{names[-1]: "on"})
    assert withdrawn.problems == [] and withdrawn.text == original
    assert withdrawn.changed == ["withdraw:standards.dibao_monthly.urban:2027-07-01"] and withdrawn.effective is None


def test_an_entry_in_force_or_of_the_city_is_not_withdrawn(rules_dir):
    _, _, in_force = edit(rules_dir, RENCHENG, **{"withdraw:standards.dibao_monthly.urban:2026-07-01": "on"})
    assert in_force.unchanged  # not offered: the form ignores it
    rule_file = RuleFile(rules_dir, RENCHENG)
    from app.rules.editing import Changes

    forced = propose(rule_file, Changes(withdrawals=[("value:standards.dibao_monthly.urban",
                                                      "standards.dibao_monthly.urban", date(2026, 7, 1))]),
                     TODAY, TODAY)
    assert [(p.field, p.code) for p in forced.problems] == [("value:standards.dibao_monthly.urban", "not_planned")]
    _, form, _ = edit(rules_dir, RENCHENG)
    inherited = next(v for v in form.values if v.path == "approval.township_limit")
    assert all(e.withdraw_name(inherited.path) is None for e in inherited.entries)


def test_a_planned_tier_table_is_withdrawn(rules_dir):
    original = (rules_dir / RENCHENG).read_text(encoding="utf-8")
    _, _, planned = edit(rules_dir, RENCHENG, effective="2027-07-01", **rows("education_tiers", (0, 3), (3000, 5)))
    (rules_dir / RENCHENG).write_text(planned.text, encoding="utf-8")
    _, form, _ = edit(rules_dir, RENCHENG)
    table = next(t for t in form.tables if t.name == "education_tiers")
    name = table.entries[-1][0].withdraw_name("aid.education_tiers")
    assert name == "withdraw:aid.education_tiers:2027-07-01"
    _, _, withdrawn = edit(rules_dir, RENCHENG, **{name: "on"})
    assert withdrawn.text == original


# --- a new tier table ------------------------------------------------------------------------------


def test_a_county_adds_a_tier_table_and_a_category_uses_it(rules_dir):
    fields = {"newtable:name": "burn_tiers", "newtable:1:from": "0", "newtable:1:multiplier": "3",
              "newtable:2:from": "5000", "newtable:2:multiplier": "6", "newtable:3:from": "", "newtable:3:multiplier": ""}
    rule_file, _, added = edit(rules_dir, RENCHENG, **fields)
    assert added.problems == [] and added.changed == ["newtable"] and added.effective is None
    removed, lines = changed_lines(rule_file.text, added.text)
    assert removed == [] and lines == ["aid:", "  burn_tiers:", "    - {from: 0, multiplier: 3}",
                                       "    - {from: 5000, multiplier: 6}", ""]
    (rules_dir / RENCHENG).write_text(added.text, encoding="utf-8")
    _, form, used = edit(rules_dir, RENCHENG, **{
        "newcat:kind": "incident", "newcat:code": "burn", "newcat:name": "严重烧伤", "newcat:tiers": "burn_tiers",
        "newcat:documents": "诊断证明"})
    assert "burn_tiers" in form.table_names and used.problems == []
    rules = proposed_rules(rules_dir, used)
    assert rules.county("370811").category_map["incident:burn"].tiers == "burn_tiers"
    again = edit(rules_dir, RENCHENG, **{**fields, "newtable:name": "illness_tiers"})[2]
    assert [(p.field, p.code) for p in again.problems] == [("newtable", "table_exists")]


def test_a_new_table_with_faults_shows_them_on_the_new_table(rules_dir):
    _, form, bad = edit(rules_dir, RENCHENG, **{"newtable:name": "burn_tiers", "newtable:1:from": "100",
                                                "newtable:1:multiplier": "3"})
    _, faults = check_directory(rules_dir, overrides={RENCHENG: bad.text})
    placed, general = place_faults(faults, form)
    assert list(placed) == ["newtable"] and general == []


# --- settings that are not numbers -----------------------------------------------------------------


def test_the_city_narrows_who_may_apply_and_lifts_the_cost_cap_from_a_date(rules_dir):
    rule_file, form, proposal = edit(rules_dir, CITY, effective="2027-07-01", **{
        "setting:eligibility.residency": "shown", "setting:eligibility.residency:local_hukou": "on",
        "setting:aid.cap_at_cost": "false"})
    assert [(f.path, f.shown) for f in form.settings] == [
        ("eligibility.residency", ["local_hukou", "residence_permit"]),
        ("eligibility.emergency_residency", ["local_hukou", "residence_permit", "none"]), ("aid.cap_at_cost", True)]
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == ["  residency: [local_hukou, residence_permit]", "  cap_at_cost: true"]
    assert added == ["  residency:", f"    {SINCE_ALWAYS.isoformat()}: [local_hukou, residence_permit]",
                     "    2027-07-01: [local_hukou]", "  cap_at_cost:", f"    {SINCE_ALWAYS.isoformat()}: true",
                     "    2027-07-01: false"]
    county = proposed_rules(rules_dir, proposal).county("370811")
    assert county.params(date(2027, 6, 30))["eligibility.residency"].value == ("local_hukou", "residence_permit")
    assert county.params(date(2027, 7, 1))["eligibility.residency"].value == ("local_hukou",)
    assert county.params(date(2027, 7, 1))["aid.cap_at_cost"].value is False


def test_settings_as_they_are_change_nothing_and_an_empty_choice_is_a_fault_on_its_field(rules_dir):
    _, _, same = edit(rules_dir, CITY, **{
        "setting:eligibility.residency": "shown", "setting:eligibility.residency:residence_permit": "on",
        "setting:eligibility.residency:local_hukou": "on", "setting:aid.cap_at_cost": "true"})
    assert same.unchanged and same.problems == []
    _, form, nobody = edit(rules_dir, CITY, effective="2027-07-01", **{"setting:eligibility.residency": "shown"})
    _, faults = check_directory(rules_dir, overrides={CITY: nobody.text})
    placed, general = place_faults(faults, form)
    assert list(placed) == ["setting:eligibility.residency"] and general == []


# --- categories and documents ----------------------------------------------------------------------


def test_a_documents_checklist_changes_only_the_lines_that_differ(rules_dir):
    rule_file = RuleFile(rules_dir, CITY)
    documents = rule_file.category_values("illness", "uremia")[1]
    new = documents[:5] + ["透析中心出具的治疗证明"] + documents[6:]
    _, _, proposal = edit(rules_dir, CITY, **{"cat:illness:uremia:name": "尿毒症", "cat:illness:uremia:tiers": "illness_tiers",
                                              "cat:illness:uremia:documents": "\n".join(new)})
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == ["        - " + documents[5]] and added == ["        - 透析中心出具的治疗证明"]


def test_a_county_changes_an_inherited_category_by_stating_only_the_difference(rules_dir):
    rule_file = RuleFile(rules_dir, RENCHENG)
    name, documents, tiers = rule_file.category_values("incident", "fire")
    _, _, proposal = edit(rules_dir, RENCHENG, **{"cat:incident:fire:name": name, "cat:incident:fire:tiers": tiers,
                                                  "cat:incident:fire:documents": "\n".join(documents + ["村委会证明"])})
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == [] and added[:3] == ["  incident:", "    fire:", "      documents:"]
    rules = proposed_rules(rules_dir, proposal)
    fire = next(c for c in rules.categories("370811") if c.code == "fire")
    assert fire.name == "火灾" and fire.documents[-1] == "村委会证明"


def test_removing_and_adding_categories(rules_dir):
    _, _, proposal = edit(rules_dir, RENCHENG, **{"cat:incident:fire:name": "火灾", "cat:incident:fire:remove": "1",
                                                  "newcat:kind": "education", "newcat:code": "preschool",
                                                  "newcat:name": "学前教育（本区）", "newcat:documents": "身份证\n在园证明",
                                                  "newcat:tiers": "education_tiers"})
    assert proposal.problems == []
    assert "    fire: null" in proposal.text and "preschool: null" not in proposal.text
    rules = proposed_rules(rules_dir, proposal)
    codes = {f"{c.kind}:{c.code}": c for c in rules.categories("370811")}
    assert "incident:fire" not in codes and codes["education:preschool"].name == "学前教育（本区）"
    # the county's own category goes from its file entirely; a code that exists is refused
    weishan = "counties/370826-weishan.yaml"
    rule_file, _, own = edit(rules_dir, weishan, **{"cat:incident:boat_accident:name": "x",
                                                    "cat:incident:boat_accident:remove": "on"})
    assert "categories" not in own.text and "boat_accident" not in own.text
    assert own.text.rstrip("\n") == rule_file.text[: rule_file.text.index("categories:")].rstrip("\n")
    _, _, twice = edit(rules_dir, RENCHENG, **{"newcat:kind": "incident", "newcat:code": "fire", "newcat:name": "x"})
    assert [(p.field, p.code) for p in twice.problems] == [("newcat", "category_exists")]


def test_removing_a_city_category_keeps_the_comments_of_what_follows(rules_dir):
    rule_file, _, proposal = edit(rules_dir, CITY, **{"cat:incident:natural_disaster:name": "x",
                                                      "cat:incident:natural_disaster:remove": "1"})
    removed, added = changed_lines(rule_file.text, proposal.text)
    text = rule_file.text
    block = text[text.index("    # “等意外事件”：由市级补充的常见情形"):text.index("  # 二、（一）1（2）急难型")]
    assert block.splitlines()[1:3] == ["    natural_disaster:", "      name: 自然灾害（洪涝、风雹、房屋倒塌等）"]
    assert added == [] and len(removed) == len(block.splitlines())  # its comment goes with it, nothing else
    assert proposal.text == text.replace(block, "", 1)
    assert "  # 二、（一）1（2）急难型：家庭成员突发白血病、尿毒症等重大疾病；二、（三）1 支出型：患重特大疾病\n  illness:" \
           in proposal.text


# --- the city file and its bounds ------------------------------------------------------------------


def test_the_city_edits_a_bound_in_place_and_a_county_that_no_longer_keeps_it_is_named(rules_dir):
    rule_file, form, proposal = edit(rules_dir, CITY, **{"bound:approval.township_limit:min": "0",
                                                         "bound:approval.township_limit:max": "2500"})
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == ["  approval.township_limit: [0, 3000]"] and added == ["  approval.township_limit: [0, 2500]"]
    _, faults = check_directory(rules_dir, overrides={CITY: proposal.text})
    placed, general = place_faults(faults, form)
    assert list(placed) == ["value:approval.township_limit"]  # the city's own 3000, on its field
    assert [(f.file, f.path) for f in general] == [(SISHUI, "approval.township_limit.2021-01-01")]  # 泗水's 3000


def test_the_city_adds_and_removes_bounds(rules_dir):
    rule_file, form, proposal = edit(rules_dir, CITY, **{"bound:approval.emergency_pre_assist_hours:min": "",
                                                         "bound:approval.emergency_pre_assist_hours:max": "",
                                                         "newbound:path": "cases.repeat_warning_days",
                                                         "newbound:min": "30", "newbound:max": ""})
    assert "approval.emergency_pre_assist_hours" not in proposal.text.split("bounds:")[1]
    assert "  cases.repeat_warning_days: [30, null]\n" in proposal.text
    assert check_directory(rules_dir, overrides={CITY: proposal.text})[1] == []
    assert "  # 二、（二）1 24小时内先行救助\n" not in proposal.text  # its comment went with it


def test_a_city_value_change_reaches_the_counties_that_inherit_it(rules_dir):
    # (the light-emergency cap no longer applies since the 2026 opinion's quick aid: a deadline instead)
    _, _, proposal = edit(rules_dir, CITY, effective="2027-01-01", **{"value:approval.emergency_pre_assist_hours": "12"})
    assert "  emergency_pre_assist_hours:\n    1900-01-01: 24\n    2027-01-01: 12\n" in proposal.text
    rules = proposed_rules(rules_dir, proposal)
    fire = {"county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
            "residency": "local_hukou", "area": "urban", "household": {"size": 2}}
    assert evaluate(dict(fire, application_date="2026-12-31"), rules)["deadlines"]["pre_assist_due"] == \
        "2027-01-01T00:00:00+08:00"
    assert evaluate(dict(fire, application_date="2027-01-01"), rules)["deadlines"]["pre_assist_due"] == \
        "2027-01-01T12:00:00+08:00"


# --- impact ---------------------------------------------------------------------------------------


def test_impact_compares_the_caseload_under_both_rule_sets(rules_dir):
    _, _, proposal = edit(rules_dir, RENCHENG, effective="2027-07-01",
                          **{"value:standards.dibao_monthly.urban": "960", "value:approval.township_limit": ""})
    current, _ = check_directory(rules_dir)
    proposed = proposed_rules(rules_dir, proposal)
    household = {"size": 1, "monthly_income": ["1000"] * 12, "monthly_necessary_expenses": ["60"] * 6,
                 "financial_assets": "1000", "houses": 1, "vehicles": 0}
    margin = dict(APPLICATION, county="370811", household=household, cost="3000")      # 940 per month: 915 < 940 < 960
    poor = dict(margin, household=dict(household, monthly_income=["500"] * 12), cost="20000")
    emergency = {"county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
                 "application_date": "2026-03-01", "residency": "local_hukou", "area": "urban",
                 "household": {"size": 2}, "requested_amount": "800"}
    result = impact(current, proposed, [("A", margin), ("B", poor), ("C", emergency), ("D", dict(margin, category="x:y"))],
                    NEXT_JULY)
    assert result.applications == 4 and result.errors_before == result.errors_after == 1
    assert result.changed_eligibility == 1 and result.eligible_before == 2 and result.eligible_after == 3
    # poor: 9 x the base, 9 x 915 then 9 x 960 (county approves both); margin: newly eligible at
    # 3 x 960 = 2880 (its cost of 3000 is in the first tier), which the township may approve; the light
    # emergency does not change
    assert result.changed_amount == 2 and result.changed_level == 1
    assert result.total_before == Decimal(9 * 915) + Decimal("800")
    assert result.total_after == Decimal(9 * 960) + Decimal("800") + Decimal(3 * 960)
    assert result.difference == Decimal(9 * 45 + 3 * 960)
    assert [e.key for e in result.examples] == ["A", "B"]
    assert result.examples[0].before.eligible is False and result.examples[0].after.level == "township"


# --- English names (name_en) ----------------------------------------------------------------------


def test_a_county_gives_an_inherited_category_its_own_english_name(rules_dir):
    rule_file = RuleFile(rules_dir, RENCHENG)
    name, documents, tiers = rule_file.category_values("incident", "fire")
    assert rule_file.category_name_en("incident", "fire") == "Fire"  # the city's
    same = {"cat:incident:fire:name": name, "cat:incident:fire:tiers": tiers,
            "cat:incident:fire:documents": "\n".join(documents)}
    _, form, unchanged = edit(rules_dir, RENCHENG, **same, **{"cat:incident:fire:name_en": "Fire"})
    assert next(c for c in form.categories if c.code == "fire").name_en == "Fire"  # shown on the form
    assert unchanged.text == rule_file.text, "the English name as it was changes nothing"
    _, _, proposal = edit(rules_dir, RENCHENG, **same, **{"cat:incident:fire:name_en": "House fire"})
    assert proposal.problems == []
    removed, added = changed_lines(rule_file.text, proposal.text)
    assert removed == [] and added[:3] == ["  incident:", "    fire:", "      name_en: House fire"]
    fire = next(c for c in proposed_rules(rules_dir, proposal).categories("370811") if c.code == "fire")
    assert (fire.name, fire.name_en) == ("火灾", "House fire")


def test_a_category_added_back_gets_its_english_name_and_a_county_clears_its_own(rules_dir):
    _, _, proposal = edit(rules_dir, RENCHENG, **{"newcat:kind": "education", "newcat:code": "preschool",
                                                  "newcat:name": "学前教育（本区）", "newcat:name_en": "Preschool",
                                                  "newcat:documents": "身份证", "newcat:tiers": "education_tiers"})
    assert proposal.problems == []
    rules = proposed_rules(rules_dir, proposal)
    assert next(c for c in rules.categories("370811") if c.code == "preschool").name_en == "Preschool"
    (rules_dir / RENCHENG).write_text(proposal.text, encoding="utf-8")
    _, _, cleared = edit(rules_dir, RENCHENG, **{"cat:education:preschool:name": "学前教育（本区）",
                                                 "cat:education:preschool:name_en": "",
                                                 "cat:education:preschool:tiers": "education_tiers",
                                                 "cat:education:preschool:documents": "身份证"})
    assert "Preschool" not in cleared.text  # the county's own English name goes from its file…
    assert next(c for c in proposed_rules(rules_dir, cleared).categories("370811")
                if c.code == "preschool").name_en == "Pre-school education"  # …and the city's shows again
