"""Household screens: the caseworker records a household once, found again by its ID number.

The dibao and tekun flags are plain tick boxes that may stay unticked; a new household is shown at once
after saving, and "register a new household" from a failed ID search starts with that ID number.
"""
from flask import g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from app.models import Household
from app.security.scope import TOWNSHIPS_IN_SCOPE
from app.views import choices
from app.views.base import ScopedInterface, ScopedModelView
from app.views.members import HouseholdMemberView
from app.views.validators import IdNumber, PersonName

HOUSEHOLD_LABELS = {
    "head_name": _l("Head of household"), "id_number": _l("Resident ID number"),
    "county": _l("County"), "township": _l("Township"), "address": _l("Address"),
    "area": _l("Urban or rural"), "residency": _l("Residency"), "size": _l("Household size"),
    "dibao": _l("Dibao household"), "tekun": _l("Tekun person"), "phone": _l("Phone"),
    "bank_name": _l("Bank"), "bank_account": _l("Bank account"),
}
HOUSEHOLD_EDIT_COLUMNS = [
    "head_name", "id_number", "township", "address", "area", "residency", "size", "dibao", "tekun",
    "phone", "bank_name", "bank_account",
]


class HouseholdView(ScopedModelView):
    related_views = [HouseholdMemberView]
    datamodel = ScopedInterface(Household)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export"]
    list_title = _l("Households")
    show_title = _l("Household")
    add_title = _l("Add household")
    edit_title = _l("Edit household")
    list_columns = ["head_name", "id_number", "township", "area", "residency", "size", "dibao", "tekun"]
    show_columns = [
        "head_name", "id_number", "county", "township", "address", "area", "residency", "size",
        "dibao", "tekun", "phone", "bank_name", "bank_account",
    ]
    add_columns = edit_columns = HOUSEHOLD_EDIT_COLUMNS
    search_columns = ["head_name", "township", "area", "residency", "dibao", "tekun"]
    base_order = ("id", "desc")
    label_columns = HOUSEHOLD_LABELS
    validators_columns = {"id_number": [IdNumber()], "head_name": [PersonName()]}
    add_form_extra_fields = edit_form_extra_fields = {
        **choices.select_fields(HOUSEHOLD_LABELS, "area", "residency"),
        **choices.flag_fields(HOUSEHOLD_LABELS, "dibao", "tekun")}
    formatters_columns = {**choices.formatters("area", "residency"), "dibao": choices.yes_no,
                          "tekun": choices.yes_no}
    add_form_query_rel_fields = edit_form_query_rel_fields = search_form_query_rel_fields = {
        "township": TOWNSHIPS_IN_SCOPE}

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        if request.method == "GET" and request.args.get("id_number") and not form.id_number.data:
            form.id_number.data = request.args["id_number"].strip().upper()
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    def post_add(self, item) -> None:
        g.household_added = item.id

    def post_add_redirect(self):
        """Land on the household just saved (to add its members or take in its case)."""
        added = g.pop("household_added", None)
        return redirect(url_for(".show", pk=added)) if added else super().post_add_redirect()
