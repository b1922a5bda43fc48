"""``/api/v1/aidrecord/``: the aid charities recorded, read-only (recording goes through
``POST /api/v1/referral/<id>/aid``). Charity staff see their charity's records; government staff those in
their jurisdiction."""
from app.models import AidRecord
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import AID_LABELS

AID_COLUMNS = ["id", "referral_id", "case.id", "case.number", "charity.id", "charity.name", "project.id",
               "project.name", "kind", "amount", "description", "at"]


class AidRecordApi(ScopedModelRestApi):
    resource_name = "aidrecord"
    datamodel = ScopedInterface(AidRecord)
    class_permission_name = "AidRecordApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info"]
    list_columns = show_columns = AID_COLUMNS
    order_columns = ["id", "at", "amount"]
    base_order = ("at", "desc")
    label_columns = {k: v for k, v in AID_LABELS.items() if k in AID_COLUMNS}
    description_columns = dict(label_columns)
