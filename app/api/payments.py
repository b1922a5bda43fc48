"""``/api/v1/payment/``: payments in the user's jurisdiction, recording the next stage of a case, reversing
a payment (冲正), and the monthly cash ledger and disclosure list — the same services as the screens.
Money is a string. A refusal answers ``{"error": {"code", "message"}}`` with 400; a refused reversal
with 403 when the user's role may not pay the case, 409 when the payment's state forbids it (reversed
already, a reversal, a closed case), 400 for the rest. Outside the jurisdiction: 404."""
from __future__ import annotations

from flask import request
from flask_appbuilder.api import expose, protect, safe
from sqlalchemy import select

from app.models import Case, Payment
from app.security import masking
from app.security.scope import current_user, scope_clause
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
from app.views.base import ScopedInterface, ScopedModelRestApi
from app.views.payments import PAYMENT_LABELS
from app.web.bodies import body_object, optional_body

PAYMENT_COLUMNS = ["id", "case.id", "case.number", "household.id", "township.code", "township.name", "stage",
                   "method", "amount", "items", "paid_on", "paid_by.username", "recorded_at", "batch.number", "note",
                   "reverses_id"]
#: refusals that are not a bad request: the role may not (403), the payment's state forbids it (409)
STATUS = {"role": 403, "already_reversed": 409, "is_reversal": 409, "case_closed": 409, "sent_to_bank": 409}


def money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def payment_json(payment: Payment, reversed_by_id: int | None = None) -> dict:
    """``reverses_id``: a reversal's payment; ``reversed_by_id``: the reversal of a reversed payment."""
    return {"id": payment.id, "case_id": payment.case_id, "stage": payment.stage, "method": payment.method,
            "amount": money(payment.amount), "items": payment.items, "paid_on": payment.paid_on.isoformat(),
            "paid_by_id": payment.paid_by_id, "batch_id": payment.batch_id, "note": payment.note,
            "reverses_id": payment.reverses_id, "reversed_by_id": reversed_by_id}


def _plain(row: dict) -> dict:
    return {k: (money(v) if k in ("amount", "total") else v.isoformat() if hasattr(v, "isoformat") else v)
            for k, v in row.items()}


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
        return self.response(status, error={"code": code, "message": message})

    def _case(self, case_id) -> Case | None:
        return self.datamodel.session.scalar(select(Case).where(Case.id == case_id,
                                                                scope_clause(Case, current_user())))

    @expose("/record", methods=["POST"])
    @protect()
    @safe
    def record(self):
        """Record the next stage of a decided case: ``{"case_id", "method": "bank_transfer|cash|in_kind|referral",
        "amount": "600.00", "paid_on": "2026-11-20", "items", "note", "from_reserve_fund": false}``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {201: {description: the payment and the case's progress}, 400: {description: refused}, 404: {description: no such case in your jurisdiction}}
        """
        body = body_object()
        case = self._case(row_id(body.get("case_id")))
        if case is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            done = record_payment(session, case, current_user(), body.get("method", ""), body.get("amount", ""),
                                  current_rules(), paid_on=body.get("paid_on"), items=body.get("items"),
                                  note=body.get("note"), from_reserve_fund=body.get("from_reserve_fund") is True)
            session.commit()
        except (PaymentRefused, TransitionRefused) as exc:
            session.rollback()
            return self._error(exc.code, exc.message)
        paid = progress(session, case.id)
        return self.response(201, payment=payment_json(done.payment), complete=done.complete, case_state=case.state,
                             paid=money(paid.paid), remaining=money(paid.remaining), warnings=done.warnings,
                             reserve_fund_balance=money(done.movement.balance_after) if done.movement else None)

    @expose("/settle/<int:case_id>", methods=["POST"])
    @protect()
    @safe
    def settle(self, case_id):
        """Mark a case paid in full as paid (an emergency case once registered).
        ---
        post:
          responses: {200: {description: the case's state}, 400: {description: refused}, 404: {description: not in scope}}
        """
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
        return self.response(200, case_id=case.id, case_state=case.state)

    @expose("/case/<int:case_id>", methods=["GET"])
    @protect()
    @safe
    def of_case(self, case_id):
        """A case's approved amount, what was paid and its stages.
        ---
        get:
          responses: {200: {description: progress and stages}, 404: {description: not in scope}}
        """
        case = self._case(case_id)
        if case is None:
            return self.response_404()
        session = self.datamodel.session
        paid = progress(session, case.id)
        payments = payments_of(session, case.id)
        undone = reversed_by(payments)
        return self.response(200, case_id=case.id, case_state=case.state, approved=money(paid.approved),
                             paid=money(paid.paid), remaining=money(paid.remaining), complete=paid.complete,
                             payments=[payment_json(p, undone[p.id].id if p.id in undone else None)
                                       for p in payments])

    @expose("/<int:pk>/reverse", methods=["POST"])
    @protect()
    @safe
    def reverse(self, pk):
        """Reverse a payment (冲正): ``{"reason": "...", "bank_returned": true}`` (``bank_returned`` is required
        for a transfer already sent to the bank in a batch: the bank sent the money back). Recorded as a new stage
        with the amount negated; money drawn from the reserve fund goes back to it; a paid case left short
        takes payments again.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object, properties: {reason: {type: string}, bank_returned: {type: boolean}}, required: [reason]}}}}
          responses: {201: {description: the reversal and the case's progress}, 400: {description: "refused: no reason"}, 403: {description: your role may not pay this case}, 404: {description: no such payment in your jurisdiction}, 409: {description: "refused: reversed already, a reversal, the case is closed, or sent to the bank without bank_returned"}}
        """
        payment = self.datamodel.get(pk)  # the jurisdiction applies (ScopedInterface)
        if payment is None:
            return self.response_404()
        body = optional_body()
        session = self.datamodel.session
        try:
            done = reverse_payment(session, payment, current_user(), body.get("reason"), current_rules(),
                                   bank_returned=body.get("bank_returned") is True)
            session.commit()
        except (PaymentRefused, TransitionRefused, FundRefused) as exc:
            session.rollback()
            return self._error(exc.code, exc.message, STATUS.get(exc.code, 400))
        paid = progress(session, payment.case_id)
        return self.response(201, reversal=payment_json(done.reversal), reversed_id=payment.id,
                             case_state=payment.case.state, reopened=done.reopened, paid=money(paid.paid),
                             remaining=money(paid.remaining),
                             reserve_fund_balance=money(done.movement.balance_after) if done.movement else None)

    def _monthly(self, make, personal: bool):
        try:
            made = make(self.datamodel.session, current_user(), request.args.get("township_id", type=int),
                        Month.parse(request.args.get("month")))
        except LedgerRefused as exc:
            return self._error(exc.code, exc.message)
        rows = [_plain(row) for row in made.rows]
        if personal:
            for row in rows:
                row["head_name"] = masking.shown("name", row["head_name"])
                row["id_number"] = masking.shown("id_number", row["id_number"])
        return made, rows

    @expose("/ledger", methods=["GET"])
    @protect()
    @safe
    def ledger(self):
        """工作台账: cash and in-kind payments of a township in a month: ``?township_id=&month=YYYY-MM``.
        ---
        get:
          responses: {200: {description: rows and totals by method}, 400: {description: bad township or month}}
        """
        made = self._monthly(cash_ledger, personal=True)
        if not isinstance(made, tuple):
            return made
        ledger, rows = made
        return self.response(200, township=ledger.township.code, month=str(ledger.month), rows=rows,
                             by_method={m: {"count": c, "total": money(t)} for m, (c, t) in ledger.by_method.items()},
                             count=ledger.count, total=money(ledger.total))

    @expose("/disclosure", methods=["GET"])
    @protect()
    @safe
    def disclosure(self):
        """公示: what a township (or a county, given its id) paid in a month, one row per household and cause,
        names and ID numbers masked: ``?township_id=&month=YYYY-MM``; a posted list as it was posted, with
        ``posted_on`` (null while it is not posted).
        ---
        get:
          responses: {200: {description: rows and total}, 400: {description: bad township or month}}
        """
        postings = {}

        def shown(session, user, region_id, month):
            listing, postings["posting"] = shown_list(session, user, region_id, month)
            return listing

        made = self._monthly(shown, personal=False)
        if not isinstance(made, tuple):
            return made
        listing, rows = made
        posting = postings.get("posting")
        return self.response(200, township=listing.township.code, month=str(listing.month), rows=rows,
                             households=listing.households, total=money(listing.total),
                             posted_on=posting.posted_on.isoformat() if posting else None)


def money_fields(record: dict) -> None:
    """Money as a string with two decimals, never a float."""
    for key in ("amount", "total", "balance", "balance_after"):
        if record.get(key) is not None:
            record[key] = money(record[key])
