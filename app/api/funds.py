"""``/api/v1/reservefund/`` and ``/api/v1/fundmovement/``: township reserve funds in the user's
jurisdiction with their low-balance warning, recording money in, and every movement — the same services
as the screens. Money is a string."""
from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe

from app.api.payments import money, money_fields
from app.models import FundMovement, Region, ReserveFund
from app.models.audit import utcnow
from app.rules.inputs import CST
from app.web.request_user import current_user
from app.services.ids import row_id
from app.services.money import fen
from app.services.reserve_funds import FundRefused, allocate, low_balance_level
from app.services.rules import current_rules
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import FUND_LABELS, MOVEMENT_LABELS
from app.web.bodies import body_object

FUND_COLUMNS = ["id", "township.id", "township.code", "township.name", "county.code", "balance", "created_at"]
MOVEMENT_COLUMNS = ["id", "fund_id", "township.code", "kind", "amount", "balance_after", "reason", "user.username",
                    "at", "payment_id", "case_id"]


class ReserveFundApi(ScopedModelRestApi):
    resource_name = "reservefund"
    datamodel = ScopedInterface(ReserveFund)
    class_permission_name = "ReserveFundApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info", "can_allocate"]
    method_permission_name = {"get_list": "get", "get": "get", "info": "info", "allocate": "allocate"}
    list_columns = show_columns = FUND_COLUMNS
    order_columns = ["id", "balance"]
    base_order = ("balance", "asc")
    label_columns = {k: v for k, v in FUND_LABELS.items()}
    description_columns = dict(FUND_LABELS)

    def _standing(self, records: list[dict]) -> None:
        """Each fund's balance as a string, the county's low-balance level and whether it is below it (the
        level read once per county in the answer)."""
        rules, day, levels = current_rules(), utcnow().astimezone(CST).date(), {}
        for record in records:
            code = (record.get("county") or {}).get("code")
            if code not in levels:
                levels[code] = low_balance_level(rules, code, day) if code else None
            level = levels[code]
            record["low_balance_level"] = money(level)
            record["low_balance"] = level is not None and fen(record["balance"]) < level
            money_fields(record)

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)
        self._standing([data.get("result", {})])

    def pre_get_list(self, data: dict) -> None:
        super().pre_get_list(data)
        self._standing(data.get("result", []))

    @expose("/allocate", methods=["POST"])
    @protect()
    @safe
    def allocate(self):
        """Money into a township's fund: ``{"township_id", "kind": "allocation_own|allocation_county|return",
        "amount": "5000.00", "reason"}``; the fund is opened on its first allocation. An amount above the
        plausibility limit is refused with ``confirm_large`` until sent again with ``"confirm": true``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {201: {description: the movement and the balance}, 400: {description: refused}}
        """
        body = body_object()
        session = self.datamodel.session
        township = session.get(Region, row_id(body.get("township_id"))) if row_id(body.get("township_id")) else None
        try:
            movement = allocate(session, township, body.get("kind", ""), body.get("amount", ""),
                                body.get("reason", ""), current_user(), confirmed=body.get("confirm") is True)
            session.commit()
        except FundRefused as exc:
            session.rollback()
            return self.response(400, error={"code": exc.code, "message": exc.message})
        return self.response(201, fund_id=movement.fund_id, movement_id=movement.id, kind=movement.kind,
                             amount=money(movement.amount), balance=money(movement.balance_after))


class FundMovementApi(ScopedModelRestApi):
    resource_name = "fundmovement"
    datamodel = ScopedInterface(FundMovement)
    class_permission_name = "FundMovementApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info"]
    list_columns = show_columns = MOVEMENT_COLUMNS
    order_columns = ["id", "at", "amount"]
    base_order = ("at", "desc")
    label_columns = {k: v for k, v in MOVEMENT_LABELS.items()}
    description_columns = dict(MOVEMENT_LABELS)

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)
        money_fields(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        super().pre_get_list(data)
        for record in data.get("result", []):
            money_fields(record)
