"""The rule editor and the 2026 opinion's keys: editable like every other key (dated entries, a county
restating the city's series, the city's bounds beside the value, statuses as checkboxes), a form shown on a
day before the opinion changes nothing it was not asked to, and the impact counts 小额快救 before and after."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from app.rules.editform import changes_from_form, editor_form
from app.rules.editing import RuleFile, propose
from app.rules.impact import impact
from tests.rule_edit_support import CITY, RENCHENG, changed_lines

from .test_editing import NEXT_JULY, TODAY, edit, proposed_rules, rules_dir  # noqa: F401  (fixture)

FIRE = {"county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "light",
        "application_date": "2026-03-10", "residency": "none", "area": "urban", "household": {"size": 2},
        "requested_amount": "1000"}


def _field(form, path):
    return next(v for v in (*form.values, *form.settings) if v.path == path)


def test_the_new_keys_are_on_the_form_with_their_dated_entries_and_the_citys_bounds(rules_dir):
    form = editor_form(RuleFile(rules_dir, RENCHENG), TODAY)
    quick = _field(form, "aid.quick_cap_dibao_months")
    assert (quick.shown, quick.inherited, quick.bound) == ("1", True, ("0", "1"))
    assert [(e.start, e.value, e.state) for e in quick.entries] == [("2026-01-29", "1", "in_force")]
    assert _field(form, "approval.quick_days").shown == "3"
    assert _field(form, "eligibility.expenditure.recognised_months").shown == "12"
    assert _field(form, "cases.posting_working_days").shown == "5"
    residency = _field(form, "eligibility.emergency_residency")
    assert residency.options == ("local_hukou", "residence_permit", "none")
    assert residency.shown == ["local_hukou", "residence_permit", "none"]


def test_a_county_lowers_quick_aid_from_next_july_restating_the_citys_entry(rules_dir):
    _, _, proposal = edit(rules_dir, RENCHENG, **{"effective": NEXT_JULY.isoformat(),
                                                   "value:aid.quick_cap_dibao_months": "0.5"})
    assert proposal.problems == [] and proposal.changed == ["value:aid.quick_cap_dibao_months"]
    removed, added = changed_lines(proposal.old_text, proposal.text)
    assert removed == []
    assert "  quick_cap_dibao_months:" in added and "    2026-01-29: 1" in added and "    2027-07-01: 0.5" in added
    rules = proposed_rules(rules_dir, proposal)
    assert rules.county("370811").params(NEXT_JULY)["aid.quick_cap_dibao_months"].value == Decimal("0.5")
    assert rules.county("370811").params(TODAY)["aid.quick_cap_dibao_months"].value == Decimal("1")


def test_a_county_keeps_emergency_aid_to_its_own_hukou_by_unticking_boxes(rules_dir):
    _, _, proposal = edit(rules_dir, RENCHENG, **{
        "effective": NEXT_JULY.isoformat(), "setting:eligibility.emergency_residency": "shown",
        "setting:eligibility.emergency_residency:local_hukou": "on"})
    assert proposal.problems == []
    rules = proposed_rules(rules_dir, proposal)
    assert rules.county("370811").params(NEXT_JULY)["eligibility.emergency_residency"].value == ("local_hukou",)
    assert rules.county("370811").params(TODAY)["eligibility.emergency_residency"].value == (
        "local_hukou", "residence_permit", "none")


def test_a_county_above_the_citys_quick_aid_bound_is_refused_at_its_field(rules_dir):
    rule_file, form, proposal = edit(rules_dir, RENCHENG, **{"effective": NEXT_JULY.isoformat(),
                                                              "value:aid.quick_cap_dibao_months": "2"})
    from app.rules.editform import place_faults
    from app.rules.loader import validate_rules

    faults = validate_rules(rules_dir, overrides={proposal.rel: proposal.text})
    placed, general = place_faults(faults, form)
    assert list(placed) == ["value:aid.quick_cap_dibao_months"] and general == []
    assert "at most 1" in placed["value:aid.quick_cap_dibao_months"][0].expected


def test_a_form_shown_before_the_opinion_adds_no_empty_list_of_statuses(rules_dir):
    shown_on = date(2025, 6, 1)
    rule_file = RuleFile(rules_dir, RENCHENG)
    form = editor_form(rule_file, shown_on)
    assert _field(form, "eligibility.emergency_residency").shown is None
    # the page posts every field as shown: the list's marker with no box ticked, the numbers empty
    posted = {"effective": TODAY.isoformat(), "setting:eligibility.emergency_residency": "shown",
              "value:aid.quick_cap_dibao_months": "", "value:standards.dibao_monthly.rural": "760"}
    proposal = propose(rule_file, changes_from_form(form, posted), shown_on, TODAY)
    assert proposal.changed == ["value:standards.dibao_monthly.rural"]
    assert "emergency_residency" not in proposal.text.replace(rule_file.text, "")


def test_the_city_sets_the_opinion_later_and_the_impact_counts_quick_aid_before_and_after(rules_dir):
    current = proposed_rules(rules_dir, edit(rules_dir, CITY)[2])
    _, _, proposal = edit(rules_dir, CITY, **{"effective": NEXT_JULY.isoformat(),
                                               "value:aid.quick_cap_dibao_months": "0.5"})
    proposed = proposed_rules(rules_dir, proposal)
    heavy = dict(FIRE, severity="heavy", cost="3000")
    result = impact(current, proposed, [(1, FIRE), (2, dict(FIRE, requested_amount="300")), (3, heavy)], NEXT_JULY)
    # 任城 on 2027-07-01: urban dibao 915; one month 915, half a month 457.5
    assert (result.quick_before, result.quick_after) == (2, 2)
    assert (result.quick_total_before, result.quick_total_after) == (Decimal("1215"), Decimal("757.5"))
    assert result.changed_amount == 1 and result.total_before - result.total_after == Decimal("457.5")
