"""The column labels screens and API share (list, detail, export headers and the REST ``label_columns``),
in English msgids translated by Babel: one word per column on every door."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: the engine's deadlines by name (spec/evaluation.md), as the case page and the reminders show them
DEADLINE_LABELS = {"decision_due": _l("Decision due"), "pre_assist_due": _l("Pre-assistance due"),
                   "registration_due": _l("Registration due"), "quick_due": _l("Quick aid due")}

# cases
CASE_LABELS = {
    "number": _l("Case number"), "household": _l("Household"), "county": _l("County"),
    "township": _l("Township"), "kind": _l("Kind"), "category": _l("Category"), "severity": _l("Severity"),
    "state": _l("State"), "application_date": _l("Application date"), "eligible": _l("Eligible"),
    "approval_level": _l("Approval level"), "suggested_amount": _l("Suggested amount"),
    "maximum_amount": _l("Maximum amount"), "approved_amount": _l("Approved amount"),
    "due_at": _l("Due"), "created_by": _l("Taken in by"), "created_at": _l("Taken in at"),
    "rules_digest": _l("Rules digest"), "warnings": _l("Warnings"),
    "incident_place": _l("Where it happened"), "incident": _l("What happened"),
}

# referrals
REFERRAL_LABELS = {
    "id": _l("Referral"), "case": _l("Case number"), "household.head_name": _l("Head of household"),
    "household.id_number": _l("Resident ID number"), "household.phone": _l("Phone"),
    "household.address": _l("Address"), "county": _l("County"), "township": _l("Township"),
    "category": _l("Category"), "need": _l("Need"), "gap_money": _l("Gap in money"),
    "gap_goods": _l("Gap in goods"), "gap_services": _l("Gap in services"), "state": _l("State"),
    "referred_by": _l("Referred by"), "referred_at": _l("Referred at"),
    "claimed_by_charity": _l("Claimed by charity"), "claimed_by": _l("Claimed by"), "claimed_at": _l("Claimed at"),
    "aided_at": _l("First aid at"), "closed_at": _l("Closed at"), "note": _l("Note"),
}
AID_LABELS = {
    "at": _l("Given at"), "referral": _l("Referral"), "case": _l("Case number"), "charity": _l("Charity"),
    "project": _l("Project"), "kind": _l("Kind of aid"), "amount": _l("Amount or value"),
    "description": _l("Description"), "user": _l("Recorded by"), "township": _l("Township"),
}

# funds
FUND_LABELS = {"township": _l("Township"), "county": _l("County"), "balance": _l("Balance"),
               "created_at": _l("Opened at")}
MOVEMENT_LABELS = {"at": _l("When"), "fund": _l("Reserve fund"), "township": _l("Township"), "kind": _l("Kind"),
                   "amount": _l("Amount"), "balance_after": _l("Balance after"), "reason": _l("Reason"),
                   "user": _l("Recorded by"), "payment": _l("Payment"), "case": _l("Case number")}

# payments
PAYMENT_LABELS = {
    "case": _l("Case number"), "household": _l("Household"), "county": _l("County"), "township": _l("Township"),
    "stage": _l("Stage"), "method": _l("Method"), "amount": _l("Amount or value"), "items": _l("Items or service"),
    "paid_on": _l("Paid on"), "paid_by": _l("Paid by"), "recorded_at": _l("Recorded at"),
    "batch": _l("Bank batch"), "note": _l("Note"), "reverses": _l("Reversal"),
}

# batches
BATCH_LABELS = {
    "number": _l("Batch number"), "county": _l("County"), "township": _l("Township"),
    "payment_count": _l("Payments"), "total": _l("Total"), "created_by": _l("Made by"),
    "created_at": _l("Made at"), "note": _l("Note"),
}

# households
HOUSEHOLD_LABELS = {
    "head_name": _l("Head of household"), "id_number": _l("Resident ID number"),
    "county": _l("County"), "township": _l("Township"), "address": _l("Address"),
    "area": _l("Urban or rural"), "residency": _l("Residency"), "size": _l("Household size"),
    "dibao": _l("Dibao household"), "tekun": _l("Tekun person"), "phone": _l("Phone"),
    "bank_name": _l("Bank"), "bank_account": _l("Bank account"),
    "dibao_edge": _l("Dibao-edge household"), "rigid_expense": _l("Household with heavy necessary expenses"),
    "dibao_recognised_on": _l("Dibao recognised on"), "dibao_edge_recognised_on": _l("Dibao-edge recognised on"),
    "rigid_expense_recognised_on": _l("Heavy expenses recognised on"),
    "passing_through": _l("Person passing through"), "home_region": _l("Home place"),
    "home_place": _l("Home place outside the city"),
}
#: the 2026 opinion's statuses (低保边缘, 刚性支出) and the day each status was recognised (认定)
RECOGNITION_COLUMNS = ["dibao_edge", "rigid_expense", "dibao_recognised_on", "dibao_edge_recognised_on",
                       "rigid_expense_recognised_on"]
HOUSEHOLD_EDIT_COLUMNS = [
    "head_name", "id_number", "township", "address", "area", "residency", "size", "dibao", "tekun",
    "phone", "bank_name", "bank_account",
] + RECOGNITION_COLUMNS


#: Flask-AppBuilder's own roles, which roles.yaml does not declare
BUILTIN_ROLES = {"Admin": _l("Administrator"), "Public": _l("Public (not signed in)")}


def role_names(user) -> list[str]:
    """The user's roles by their names in config/roles.yaml, in the user's language."""
    from flask_babel import get_locale

    from app.security.roles import declared_roles

    declared = declared_roles()
    zh = str(get_locale()).startswith("zh")
    return [str(BUILTIN_ROLES.get(role.name, role.name)) if (spec := declared.get(role.name)) is None
            else spec.name_zh if zh else spec.name_en for role in user.roles]
