"""``/api/v1/paymentbatch/``: bank-transfer batches in the user's jurisdiction, making one, and its rows —
the same services as the screens. Personal data as the viewer may see them; money is a string."""
from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe

from app.api.payments import money, money_fields
from app.models import PaymentBatch, Region
from app.security import masking
from app.web.request_user import current_user
from app.services.batches import BatchRefused, batch_rows, create_batch, waiting
from app.services.ids import row_id
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import BATCH_LABELS
from app.web.bodies import body_object

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
    @protect()
    @safe
    def waiting(self):
        """Bank transfers not yet in a batch, per township.
        ---
        get:
          responses: {200: {description: count and total per township}}
        """
        rows = waiting(self.datamodel.session, current_user())
        return self.response(200, result=[{**row, "total": money(row["total"])} for row in rows])

    @expose("/create", methods=["POST"])
    @protect()
    @safe
    def create(self):
        """Make a batch of the unsent bank transfers of a county or a township:
        ``{"county_id": 12}`` or ``{"township_id": 345}``, with an optional ``"note"``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {201: {description: the batch}, 400: {description: refused or nothing to batch}}
        """
        body = body_object()
        session = self.datamodel.session
        township = session.get(Region, row_id(body.get("township_id"))) if row_id(body.get("township_id")) else None
        county = session.get(Region, row_id(body.get("county_id"))) if row_id(body.get("county_id")) else None
        try:
            batch = create_batch(session, current_user(), county=county, township=township, note=body.get("note"))
            session.commit()
        except BatchRefused as exc:
            session.rollback()
            return self.response(400, error={"code": exc.code, "message": exc.message})
        return self.response(201, id=batch.id, number=batch.number, payment_count=batch.payment_count,
                             total=money(batch.total))

    @expose("/<int:pk>/rows", methods=["GET"])
    @protect()
    @safe
    def rows(self, pk):
        """The rows of the batch's bank file, with the total.
        ---
        get:
          responses: {200: {description: the rows}, 404: {description: not in scope}}
        """
        batch = self.datamodel.get(pk, self._base_filters)
        if batch is None:
            return self.response_404()
        rows = [{**row, "payee": masking.shown("name", row["payee"]),
                 "id_number": masking.shown("id_number", row["id_number"]),
                 "bank_account": masking.shown("bank_account", row["bank_account"]),
                 "amount": money(row["amount"]), "paid_on": row["paid_on"].isoformat()}
                for row in batch_rows(self.datamodel.session, batch)]
        return self.response(200, number=batch.number, rows=rows, payment_count=batch.payment_count,
                             total=money(batch.total))
