"""``/api/v1/payment/``: payments in the user's jurisdiction, recording the next stage of a case, reversing
a payment (冲正), and the monthly cash ledger and disclosure list — the same services as the screens.
Money is a string. A refusal answers ``{"error": {"code", "message"}}`` with 400; a refused reversal
with 403 when the user's role may not pay the case, 409 when the payment's state forbids it (reversed
already, a reversal, a closed case), 400 for the rest. Outside the jurisdiction: 404."""
from __future__ import annotations

from decimal import Decimal

from flask import request
from flask_appbuilder.api import expose, protect, safe
from sqlalchemy import select

from app.models import Case, Payment
from app.web import viewer as masking
from app.security.scope import scope_clause
from app.web.request_user import current_user
from app.services.disclosures import shown_list
from app.services.ledgers import LedgerRefused, Month, cash_ledger
from app.services.ids import row_id
from app.services.payments import (
    PaymentRefused,
    payments_of,
    progress,
    record_payment,
    reversed_by,
    settle,
)
from app.services.reserve_funds import FundRefused
from app.services.reversals import reverse_payment
from app.services.rules import current_rules
from app.services.workflow import TransitionRefused
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import PAYMENT_LABELS
from app.web.bodies import body_object, optional_body
from app.web.errors import error_response
from app.web.openapi import documented
from app.web.schemas import money as schemas
from app.web.schemas.base import load_body

PAYMENT_COLUMNS = ["id", "case.id", "case.number", "household.id", "township.code", "township.name", "stage",
                   "method", "amount", "items", "paid_on", "paid_by.username", "recorded_at", "batch.number", "note",
                   "reverses_id"]
MONTH_PARAMETERS = [
    {"in": "query", "name": "township_id", "required": True, "schema": {"type": "integer", "minimum": 1}},
    {"in": "query", "name": "month", "required": True, "example": "2026-11",
     "schema": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"}}]
#: refusals that are not a bad request: the role may not (403), the payment's state forbids it (409)
STATUS = {"role": 403, "already_reversed": 409, "is_reversal": 409, "case_closed": 409, "sent_to_bank": 409}


def money(value) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


def payment_json(payment: Payment, reversed_by_id: int | None = None) -> dict:
    """``reverses_id``: a reversal's payment; ``reversed_by_id``: the reversal of a reversed payment."""
    return {"id": payment.id, "case_id": payment.case_id, "stage": payment.stage, "method": payment.method,
            "amount": money(payment.amount), "items": payment.items, "paid_on": payment.paid_on.isoformat(),
            "paid_by_id": payment.paid_by_id, "batch_id": payment.batch_id, "note": payment.note,
            "reverses_id": payment.reverses_id, "reversed_by_id": reversed_by_id}


class PaymentApi(ScopedModelRestApi):
    resource_name = "payment"
    datamodel = ScopedInterface(Payment)
    class_permission_name = "PaymentApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info", "can_pay"]
    method_permission_name = {"get_list": "get", "get": "get", "info": "info", "record": "pay", "settle": "pay",
                              "reverse": "pay", "of_case": "get", "ledger": "get", "disclosure": "get"}
    list_columns = show_columns = PAYMENT_COLUMNS
    order_columns = ["id", "paid_on", "amount"]
    base_order = ("paid_on", "desc")
    label_columns = {k: v for k, v in PAYMENT_LABELS.items()}
    description_columns = dict(PAYMENT_LABELS)

    def pre_get(self, data: dict) -> None:
        super().pre_get(data)
        money_fields(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        super().pre_get_list(data)
        for record in data.get("result", []):
            money_fields(record)

    def _error(self, code: str, message: str, status: int = 400):
        return error_response(status, code, message)

    def _reply(self, schema, status: int, **data):
        return self.response(status, **schema().dump(data))

    def _case(self, case_id) -> Case | None:
        return self.datamodel.session.scalar(select(Case).where(Case.id == case_id,
                                                                scope_clause(Case, current_user())))

    @expose("/record", methods=["POST"])
    @documented("Record the next stage (payment) of a decided case", body=schemas.RecordPaymentBody,
                reply=schemas.PaymentRecorded, status=201,
                example={"case_id": 1, "method": "bank_transfer", "amount": "2000.00", "paid_on": "2026-11-20"},
                description="Staged aid: each payment is a stage; the case is paid once the approved amount is. "
                            "Cash from the township's reserve fund with ``from_reserve_fund``.")
    @protect()
    @safe
    def record(self):
        body = load_body(schemas.RecordPaymentBody, body_object())
        case = self._case(body["case_id"])
        if case is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            done = record_payment(session, case, current_user(), body["method"], body.get("amount", ""),
                                  current_rules(), paid_on=body.get("paid_on"), items=body.get("items"),
                                  note=body.get("note"), from_reserve_fund=body.get("from_reserve_fund") is True)
            session.commit()
        except (PaymentRefused, TransitionRefused) as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        paid = progress(session, case.id)
        return self._reply(schemas.PaymentRecorded, 201, payment=payment_json(done.payment), complete=done.complete,
                           case_state=case.state, paid=paid.paid, remaining=paid.remaining, warnings=done.warnings,
                           reserve_fund_balance=done.movement.balance_after if done.movement else None)

    @expose("/settle/<int:case_id>", methods=["POST"])
    @documented("Mark a case paid in full as paid (an emergency case once registered)", reply=schemas.CaseSettled)
    @protect()
    @safe
    def settle(self, case_id):
        case = self._case(case_id)
        if case is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            settle(session, case, current_user(), current_rules())
            session.commit()
        except (PaymentRefused, TransitionRefused) as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        return self._reply(schemas.CaseSettled, 200, case_id=case.id, case_state=case.state)

    @expose("/case/<int:case_id>", methods=["GET"])
    @documented("A case's approved amount, what was paid and its stages", method="get", reply=schemas.CasePayments,
                errors=(404,))
    @protect()
    @safe
    def of_case(self, case_id):
        case = self._case(case_id)
        if case is None:
            return self.response_404()
        session = self.datamodel.session
        paid = progress(session, case.id)
        payments = payments_of(session, case.id)
        undone = reversed_by(payments)
        return self._reply(schemas.CasePayments, 200, case_id=case.id, case_state=case.state, approved=paid.approved,
                           paid=paid.paid, remaining=paid.remaining, complete=paid.complete,
                           payments=[payment_json(p, undone[p.id].id if p.id in undone else None)
                                     for p in payments])

    @expose("/<int:pk>/reverse", methods=["POST"])
    @documented("Reverse a payment (冲正)", body=schemas.ReverseBody, reply=schemas.PaymentReversed, status=201,
                errors=(400, 404, 409), example={"reason": "账号错误，银行退回", "bank_returned": True},
                description="Recorded as a new stage with the amount negated; money drawn from the reserve fund "
                            "goes back to it; a paid case left short takes payments again. ``bank_returned`` is "
                            "required for a transfer already sent to the bank in a batch. 403: your role may not "
                            "pay this case; 409: reversed already, a reversal, the case is closed, or sent to "
                            "the bank without bank_returned.")
    @protect()
    @safe
    def reverse(self, pk):
        body = load_body(schemas.ReverseBody, optional_body())
        payment = self.datamodel.get(pk)  # the jurisdiction applies (ScopedInterface)
        if payment is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            done = reverse_payment(session, payment, current_user(), body.get("reason"), current_rules(),
                                   bank_returned=body.get("bank_returned") is True)
            session.commit()
        except (PaymentRefused, TransitionRefused, FundRefused) as exc:
            session.rollback()
            return self._error(exc.code, exc.message, STATUS.get(exc.code, 400))
        paid = progress(session, payment.case_id)
        return self._reply(schemas.PaymentReversed, 201, reversal=payment_json(done.reversal), reversed_id=payment.id,
                           case_state=payment.case.state, reopened=done.reopened, paid=paid.paid,
                           remaining=paid.remaining,
                           reserve_fund_balance=done.movement.balance_after if done.movement else None)

    def _monthly(self, make, personal: bool):
        try:
            made = make(self.datamodel.session, current_user(), request.args.get("township_id", type=int),
                        Month.parse(request.args.get("month")))
        except LedgerRefused as exc:
            return self._error(exc.code, exc.message)
        rows = [dict(row) for row in made.rows]
        if personal:
            for row in rows:
                row["head_name"] = masking.shown("name", row["head_name"])
                row["id_number"] = masking.shown("id_number", row["id_number"])
        return made, rows

    @expose("/ledger", methods=["GET"])
    @documented("工作台账: cash and in-kind payments of a township in a month", method="get", reply=schemas.Ledger,
                errors=(400,), parameters=MONTH_PARAMETERS)
    @protect()
    @safe
    def ledger(self):
        made = self._monthly(cash_ledger, personal=True)
        if not isinstance(made, tuple):
            return made
        ledger, rows = made
        return self._reply(schemas.Ledger, 200, township=ledger.township.code, month=str(ledger.month), rows=rows,
                           by_method={m: {"count": c, "total": t} for m, (c, t) in ledger.by_method.items()},
                           count=ledger.count, total=ledger.total)

    @expose("/disclosure", methods=["GET"])
    @documented("公示: what a township (or a county, given its id) paid in a month, one row per household and cause, names and ID numbers masked; a posted list as it was posted", method="get",
                reply=schemas.Disclosure, errors=(400,), parameters=MONTH_PARAMETERS)
    @protect()
    @safe
    def disclosure(self):
        postings = {}

        def shown(session, user, region_id, month):
            listing, postings["posting"] = shown_list(session, user, region_id, month)
            return listing

        made = self._monthly(shown, personal=False)
        if not isinstance(made, tuple):
            return made
        listing, rows = made
        posting = postings.get("posting")
        return self._reply(schemas.Disclosure, 200, township=listing.township.code, month=str(listing.month),
                           rows=rows, households=listing.households, total=listing.total,
                           posted_on=posting.posted_on if posting else None)


def money_fields(record: dict) -> None:
    """Money as a string with two decimals, never a float."""
    for key in ("amount", "total", "balance", "balance_after"):
        if record.get(key) is not None:
            record[key] = money(record[key])
