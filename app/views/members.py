"""Household members, shown under their household and scoped through it."""
from flask_babel import lazy_gettext as _l

from app.models import HouseholdMember
from app.web.jurisdiction import JURISDICTION
from app.views.base import ScopedInterface, ScopedModelView
from app.web.validators import IdNumber, PersonName

MEMBER_LABELS = {"household": _l("Household"), "name": _l("Name"), "id_number": _l("Resident ID number"),
                 "relation": _l("Relation to the head")}


class HouseholdMemberView(ScopedModelView):
    datamodel = ScopedInterface(HouseholdMember)
    base_filters = JURISDICTION
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    list_title = _l("Household members")
    show_title = add_title = edit_title = _l("Household member")
    list_columns = ["name", "id_number", "relation", "household"]
    show_columns = add_columns = edit_columns = ["household", "name", "id_number", "relation"]
    label_columns = MEMBER_LABELS
    validators_columns = {"id_number": [IdNumber()], "name": [PersonName()]}
    add_form_query_rel_fields = edit_form_query_rel_fields = {"household": JURISDICTION}
