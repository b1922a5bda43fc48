"""Words for the rule editor: field labels by key path, and the reasons an edit or a save is refused.

The form itself is generated from the rule schema (:mod:`app.rules.editform`); a key without a label
here is shown by its path, so a new schema key appears on the form before anyone words it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.web.case_words import CATEGORY_KINDS

VALUE_LABELS = {
    "standards.dibao_monthly.urban": _l("Urban dibao standard (yuan per person per month)"),
    "standards.dibao_monthly.rural": _l("Rural dibao standard (yuan per person per month)"),
    "standards.disposable_income_prior_year.urban": _l("Urban disposable income per person, prior year (yuan)"),
    "standards.disposable_income_prior_year.rural": _l("Rural disposable income per person, prior year (yuan)"),
    "eligibility.expenditure.net_income_months": _l("Months of net income averaged"),
    "eligibility.expenditure.income_months": _l("Months of income compared"),
    "eligibility.expenditure.assets.financial_per_capita_max_dibao_months":
        _l("Financial assets per person, at most (months of the dibao standard)"),
    "eligibility.expenditure.assets.max_houses": _l("Houses, at most"),
    "eligibility.expenditure.assets.max_vehicles": _l("Vehicles, at most"),
    "aid.emergency_light_cap": _l("Light emergency aid, at most (yuan)"),
    "approval.township_limit": _l("Township approval limit (yuan per household per time)"),
    "approval.emergency_pre_assist_hours": _l("Emergency pre-assistance within (hours)"),
    "approval.emergency_registration_working_days": _l("Emergency registration within (working days)"),
    "approval.expenditure_working_days": _l("Expenditure decision within (working days)"),
    "approval.amount_ceiling": _l("No approval of one case above (yuan)"),
    "approval.pre_assist_limit": _l("Pre-assistance at once, at most (yuan per household per time)"),
    "cases.repeat_warning_days": _l("Repeat-application warning within (days)"),
    "reserve_fund.low_balance": _l("Reserve fund low-balance warning below (yuan)"),
    "charity.claim_return_days": _l("A charity's claim returns to the pool after (days)"),
    "eligibility.residency": _l("Who may apply, by residence"),
    "aid.cap_at_cost": _l("Aid never above the self-paid cost"),
    # the 2026 national opinion
    "eligibility.emergency_residency": _l("Who may receive emergency aid, by residence (where the hardship happens)"),
    "aid.quick_cap_dibao_months": _l("Quick aid, at most (months of the urban dibao standard)"),
    "approval.quick_days": _l("Quick aid handled within (calendar days of the report)"),
    "eligibility.expenditure.recognised_months":
        _l("Recognised dibao, near-dibao and heavy-expense households: income and assets not checked again "
           "within (months of recognition)"),
    "cases.posting_working_days": _l("Public posting before aid (working days)"),
    # decision documents and disclosure (issue 15)
    "documents.office_name": _l("Office that signs the decisions"),
    "documents.review_days": _l("Administrative review may be applied for within (days)"),
    "documents.litigation_months": _l("A suit may be brought within (months)"),
    "documents.review_body": _l("Administrative review body"),
    "documents.court": _l("Court of first instance"),
    "documents.delivery_days": _l("A decision not delivered shows as due after (days)"),
    "disclosure.working_days": _l("Monthly disclosure list posted within (working days after the month)"),
    # the 绩效目标表 (app/rules/performance.py)
    "performance.suppress_below": _l("Breakdowns hide counts below"),
    "performance.targets.pre_assist_due_rate": _l("Target: pre-assistance within 24 hours (per cent)"),
    "performance.targets.registration_due_rate": _l("Target: registration within 5 working days (per cent)"),
    "performance.targets.decision_due_rate": _l("Target: decision within 20 working days (per cent)"),
    "performance.targets.quick_due_rate": _l("Target: small quick aid within its days (per cent)"),
    "performance.targets.bank_share": _l("Target: share paid through the bank (per cent)"),
    "performance.targets.fund_execution_rate": _l("Target: fund execution rate (per cent)"),
    "performance.points.pre_assist_due_rate": _l("Points: pre-assistance within 24 hours"),
    "performance.points.registration_due_rate": _l("Points: registration within 5 working days"),
    "performance.points.decision_due_rate": _l("Points: decision within 20 working days"),
    "performance.points.quick_due_rate": _l("Points: small quick aid within its days"),
    "performance.points.bank_share": _l("Points: share paid through the bank"),
    "performance.points.fund_execution_rate": _l("Points: fund execution rate"),
}

CHOICE_LABELS = {"local_hukou": _l("Local household registration (hukou)"),
                 "residence_permit": _l("Local residence permit"),
                 "none": _l("Neither: a person passing through")}
FLAG_LABELS = {"true": _l("Yes"), "false": _l("No")}

GROUP_LABELS = {
    "standards": _l("Standards"),
    "eligibility": _l("Eligibility"),
    "aid": _l("Aid"),
    "approval": _l("Approval limits and deadlines"),
    "performance": _l("Performance targets"),
}
OTHER_GROUP = _l("Other settings")

TABLE_LABELS = {"illness_tiers": _l("Illness tiers"), "education_tiers": _l("Education tiers")}

# the kinds of categories: one word per kind, shared with the report forms
KIND_LABELS = CATEGORY_KINDS

ORIGIN_LABELS = {"city": _l("as the city file says"), "county": _l("this county's own"),
                 "changed": _l("the city's, changed here")}

STATE_LABELS = {"past": _l("past"), "in_force": _l("in force"), "planned": _l("planned")}

#: EditProblem codes (app.rules.editing) and RuleEditRefused codes (app.services.rule_edits)
PROBLEMS = {
    "effective_needed": _l("Give the date from which the change applies (YYYY-MM-DD): a value in force "
                           "changes only from a date on."),
    "effective_past": _l("The change may not apply before today (%(detail)s): history is never rewritten."),
    "entry_in_force": _l("The entry from %(detail)s is already in force and is never replaced: choose a "
                         "later date."),
    "category_exists": _l("The category %(detail)s exists already."),
    "table_exists": _l("A tier table named %(detail)s exists already."),
    "not_planned": _l("Only an entry of this file planned after today can be withdrawn (%(detail)s)."),
    "digest_moved": _l("The file was changed by someone else after you opened it. Nothing was saved: reopen "
                       "the editor to see the file as it is now."),
    "invalid": _l("The proposal has faults (shown on the fields); nothing was saved."),
    "unchanged": _l("The proposal changes nothing."),
    "reason_needed": _l("Give the reason for the change."),
    "not_previewed": _l("Check the changes, the diff and the impact below, then save."),
    "not_latest": _l("The file has changed since this revision: revert the later revisions first."),
    "in_force": _l("Its changes are already in force: make a new change instead."),
    "history": _l("History is never rewritten: this would change values already in force on days that have "
                  "come (%(detail)s). Nothing was saved."),
}


def value_label(path: str):
    return VALUE_LABELS.get(path, path)


def bound_text(bound: tuple[str, str]) -> str:
    """The city's bounds of a value as a county sees them beside it (an empty side is open)."""
    low, high = bound
    if not (low or high):
        return ""
    if low and high:
        return str(_l("City bounds: %(low)s to %(high)s", low=low, high=high))
    if low:
        return str(_l("City bounds: at least %(low)s", low=low))
    return str(_l("City bounds: at most %(high)s", high=high))


def choice_label(option: str):
    return CHOICE_LABELS.get(option, option)


def setting_text(value: str) -> str:
    """A dated entry of a setting as the form lists it (``true``, ``local_hukou, none``), in words."""
    if value in FLAG_LABELS:
        return str(FLAG_LABELS[value])
    return " / ".join(str(choice_label(option)) for option in value.split(", ") if option)


def group_label(group: str):
    return GROUP_LABELS.get(group, OTHER_GROUP)


def table_label(name: str):
    return TABLE_LABELS.get(name, name)


def problem_text(code: str, detail: str = "") -> str:
    message = PROBLEMS.get(code)
    return str(message) % {"detail": detail} if message is not None else f"{code} {detail}".strip()


def _path_label(path: str) -> str:
    """The label of the value a key path is in (``approval.township_limit.2027-01-01`` → its field)."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        label = VALUE_LABELS.get(".".join(parts[:end]))
        if label is not None:
            return f"{label} ({path})"
    return path


def note_text(note) -> str:
    """A proposal's note (not a refusal): a county now states a value it inherited."""
    name = TABLE_LABELS.get(note.field.removeprefix("aid."), None) or _path_label(note.field)
    return str(_l("%(field)s: this county now states the value itself, so the city's later entries (%(detail)s) "
                  "no longer reach it; plan them here too if they should.", field=name, detail=note.detail))


def fault_text(fault) -> str:
    """A loader fault as shown on a field: the field's name and the sentence in the user's language;
    what was found and expected are the loader's own words, as the CLI prints them."""
    return str(_l("%(field)s: found %(found)s, expected %(expected)s (%(where)s)",
                  field=_path_label(fault.path), found=fault.found, expected=fault.expected,
                  where=f"{fault.file}:{fault.line}"))
