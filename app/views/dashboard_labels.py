"""The words of the dashboards: each figure, clock and accountability cause as a user reads it.

Kept apart from the views so the trail, the workbook and the pages say the same thing."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

CLOCK_LABELS = {
    "pre_assist_due": _l("Pre-assistance within 24 hours"),
    "registration_due": _l("Registration within 5 working days"),
    "decision_due": _l("Decision within 20 working days"),
    "quick_due": _l("Small quick aid within its days"),
}
CAUSE_LABELS = {
    "deliberate": _l("Deliberate fault"),
    "objective": _l("Objective deviation"),
    "innovation": _l("Exploration and innovation (trying first)"),
}
SUBJECT_LABELS = {"overdue": _l("A clock ran over"), "corrected": _l("A decision was corrected")}
SECTION_LABELS = {"reach": _l("Reach"), "timeliness": _l("Timeliness"), "money": _l("Money"),
                  "accountability": _l("Accountability")}
FIGURE_LABELS = {
    "cases": _l("Cases taken in"),
    "emergency_cases": _l("Emergency cases"),
    "emergency_share": _l("Share of emergency cases"),
    "aided_cases": _l("Households aided (household-times)"),
    "aided_persons": _l("Persons aided (person-times)"),
    "passing_aided": _l("People passing through helped"),
    "referrals_made": _l("Referrals made"),
    "referrals_claimed": _l("Referrals claimed"),
    "referrals_closed": _l("Referrals closed"),
    "charity_aid_count": _l("Charity aid recorded"),
    "charity_aid_amount": _l("Charity aid (yuan)"),
    "leads_reported": _l("Leads reported"),
    "pre_assist_due_rate": _l("Pre-assistance within 24 hours"),
    "registration_due_rate": _l("Registration within 5 working days"),
    "decision_due_rate": _l("Decision within 20 working days"),
    "quick_due_rate": _l("Small quick aid within its days"),
    "lead_contact_rate": _l("Leads answered within their clock"),
    "overdue_now": _l("Clocks overdue now"),
    "leads_overdue_now": _l("Leads overdue now"),
    "median_days_to_payment": _l("Median days from application to payment"),
    "approved_amount": _l("Amount approved (yuan)"),
    "paid_total": _l("Amount paid (yuan)"),
    "paid_bank_transfer": _l("Paid by bank transfer (yuan)"),
    "paid_cash": _l("Paid in cash (yuan)"),
    "paid_in_kind": _l("Given in kind (yuan)"),
    "paid_referral": _l("Referral services (yuan)"),
    "bank_share": _l("Share paid through the bank"),
    "aid_dibao_multiple": _l("Average aid per case (times the dibao standard)"),
    "fund_allocated": _l("Reserve funds allocated (yuan)"),
    "fund_drawn": _l("Reserve funds drawn (yuan)"),
    "fund_balance": _l("Reserve fund balance now (yuan)"),
    "fund_execution_rate": _l("Fund execution rate (paid ÷ allocated)"),
    "repeat_aid": _l("Repeat aid within the repeat period"),
    "accountability_deliberate": _l("Deliberate fault"),
    "accountability_objective": _l("Objective deviation"),
    "accountability_innovation": _l("Exploration and innovation (trying first)"),
}
