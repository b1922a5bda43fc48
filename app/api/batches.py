"""``/api/v1/paymentbatch/``: bank-transfer batches in the user's jurisdiction, making one, and its rows —
the same services as the screens. Personal data as the viewer may see them; money is a string."""
from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe

from app.api.payments import money_fields
from app.models import PaymentBatch, Region
from app.web import viewer as masking
from app.web.request_user import current_user
from app.services.batches import BatchRefused, batch_rows, create_batch, waiting
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import BATCH_LABELS
from app.web.bodies import body_object
from app.web.errors import error_response
from app.web.openapi import documented
from app.web.schemas import money as schemas
from app.web.schemas.base import load_body

BATCH_COLUMNS = ["id", "number", "county.code", "township.code", "payment_count", "total", "created_by.username",
                 "created_at", "note"]


class PaymentBatchApi(ScopedModelRestApi):
    resource_name = "paymentbatch"
    datamodel = ScopedInterface(PaymentBatch)
    class_permission_name = "PaymentBatchApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info", "can_batch"]
    method_permission_name = {"get_list": "get", "get": "get", "info": "info", "create": "batch",
                              "waiting": "batch", "rows": "get"}
    list_columns = show_columns = BATCH_COLUMNS
    order_columns = ["id", "created_at", "total"]
    base_order = ("created_at", "desc")
    label_columns = {k: v for k, v in BATCH_LABELS.items()}
    description_columns = dict(BATCH_LABELS)

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)
        money_fields(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        super().pre_get_list(data)
        for record in data.get("result", []):
            money_fields(record)

    @expose("/waiting", methods=["GET"])
    @documented("Bank transfers not yet in a batch, per township", method="get", reply=schemas.Waiting, errors=())
    @protect()
    @safe
    def waiting(self):
        rows = waiting(self.datamodel.session, current_user())
        return self.response(200, **schemas.Waiting().dump({"result": rows}))

    @expose("/create", methods=["POST"])
    @documented("Make a batch of the unsent bank transfers of a county or a township", body=schemas.BatchBody,
                reply=schemas.BatchMade, status=201, errors=(400,), example={"county_id": 12, "note": "十一月第二批"})
    @protect()
    @safe
    def create(self):
        body = load_body(schemas.BatchBody, body_object())
        session = self.datamodel.session
        township = session.get(Region, body["township_id"]) if "township_id" in body else None
        county = session.get(Region, body["county_id"]) if "county_id" in body else None
        try:
            batch = create_batch(session, current_user(), county=county, township=township, note=body.get("note"))
            session.commit()
        except BatchRefused as exc:
            session.rollback()
            return error_response(400, exc.code, exc.message)
        return self.response(201, **schemas.BatchMade().dump(dict(id=batch.id, number=batch.number,
                                                                   payment_count=batch.payment_count, total=batch.total)))

    @expose("/<int:pk>/rows", methods=["GET"])
    @documented("The rows of the batch's bank file, with the total", method="get", reply=schemas.BatchRows,
                errors=(404,))
    @protect()
    @safe
    def rows(self, pk):
        batch = self.datamodel.get(pk, self._base_filters)
        if batch is None:
            return self.response_404()
        rows = [{**row, "payee": masking.shown("name", row["payee"]),
                 "id_number": masking.shown("id_number", row["id_number"]),
                 "bank_account": masking.shown("bank_account", row["bank_account"]),
                 "paid_on": row["paid_on"].isoformat()}
                for row in batch_rows(self.datamodel.session, batch)]
        return self.response(200, **schemas.BatchRows().dump(dict(number=batch.number, rows=rows,
                                                                   payment_count=batch.payment_count, total=batch.total)))
