"""Household screens: the caseworker records a household once, found again by its ID number.

The dibao and tekun flags are plain tick boxes that may stay unticked; a new household is shown at once
after saving, and "register a new household" from a failed ID search starts with that ID number.
"""
from flask import g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import Optional

from app.models import Household
from app.web.jurisdiction import TOWNSHIPS_IN_SCOPE
from app.views import choices
from app.views.base import ScopedInterface, ScopedModelView
from app.views.members import HouseholdMemberView
from app.web.validators import IdNumber, PersonName, RecognisedDay, not_in_future

from app.web.labels import HOUSEHOLD_LABELS, RECOGNITION_COLUMNS, HOUSEHOLD_EDIT_COLUMNS  # noqa: F401 (shared with the API)


def _status_fields() -> dict:
    """Optional checkboxes for the statuses: FAB makes a non-nullable Boolean a required box, so an
    unticked one (False) could not be saved — a household that is neither dibao nor tekun could not be
    added at all."""
    fields = {column: BooleanField(HOUSEHOLD_LABELS[column], validators=[Optional()])
              for column in ("dibao", "tekun")}
    for column in ("dibao", "dibao_edge", "rigid_expense"):  # a recognised status comes with its day
        fields[column] = BooleanField(HOUSEHOLD_LABELS[column],
                                      validators=[Optional(), RecognisedDay(f"{column}_recognised_on")])
    return fields


def yes_no(value) -> str:
    return str(_l("Yes")) if value else str(_l("No"))


def day(value) -> str:
    return value.isoformat() if value else ""


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
    ] + RECOGNITION_COLUMNS + ["passing_through", "home_region", "home_place"]
    add_columns = edit_columns = HOUSEHOLD_EDIT_COLUMNS
    search_columns = ["head_name", "township", "area", "residency", "dibao", "tekun"]
    base_order = ("id", "desc")
    label_columns = HOUSEHOLD_LABELS
    validators_columns = {"id_number": [IdNumber()], "head_name": [PersonName()],
                          **{column: [not_in_future] for column in RECOGNITION_COLUMNS[2:]}}
    add_form_extra_fields = edit_form_extra_fields = {
        **choices.select_fields(HOUSEHOLD_LABELS, "area", "residency"), **_status_fields()}
    formatters_columns = {**choices.formatters("area", "residency"),
                          **{c: yes_no for c in ("dibao", "tekun", "dibao_edge", "rigid_expense", "passing_through")},
                          **{c: day for c in RECOGNITION_COLUMNS[2:]},
                          "home_region": lambda v: v.name if v else "",
                          **{c: (lambda v: v or "") for c in ("home_place", "address", "bank_name")}}
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
