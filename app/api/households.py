"""``/api/v1/household/``: households in the user's jurisdiction, personal data masked as on screen."""
from marshmallow.validate import OneOf, Range

from app.models import Household
from app.web.jurisdiction import TOWNSHIPS_IN_SCOPE
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import HOUSEHOLD_EDIT_COLUMNS, HOUSEHOLD_LABELS, RECOGNITION_COLUMNS
from app.web.validators import id_number_field, person_name_field


class HouseholdApi(ScopedModelRestApi):
    resource_name = "household"
    datamodel = ScopedInterface(Household)
    class_permission_name = "HouseholdApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info", "can_post", "can_put"]
    list_columns = ["id", "head_name", "id_number", "township.code", "township.name", "area",
                    "residency", "size", "dibao", "tekun", "dibao_edge", "rigid_expense", "passing_through"]
    show_columns = ["id", "head_name", "id_number", "county.code", "township.code", "address", "area",
                    "residency", "size", "dibao", "tekun", "phone", "bank_name", "bank_account",
                    *RECOGNITION_COLUMNS, "passing_through", "home_region.code", "home_place"]
    add_columns = edit_columns = HOUSEHOLD_EDIT_COLUMNS
    label_columns = HOUSEHOLD_LABELS
    description_columns = dict(HOUSEHOLD_LABELS)
    order_columns = ["id", "head_name"]
    validators_columns = {"id_number": id_number_field, "head_name": person_name_field,
                          "size": Range(min=1, max=50),
                          "area": OneOf(["urban", "rural"]),
                          "residency": OneOf(["local_hukou", "residence_permit", "none"])}
    add_query_rel_fields = edit_query_rel_fields = {"township": TOWNSHIPS_IN_SCOPE}
