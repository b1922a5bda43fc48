"""Bodies and answers of payments (``/api/v1/payment/``), reserve funds (``/api/v1/reservefund/``) and
bank batches (``/api/v1/paymentbatch/``): money as decimal strings both ways."""
from __future__ import annotations

from marshmallow import fields

from app.models.payment import PAYMENT_METHODS
from app.models.reserve_fund import INFLOW_KINDS
from app.web.schemas.base import Body, Choice, Day, Flag, Money, Reply, RowId, SignedMoney, Text


class RecordPaymentBody(Body):
    """The next stage of a decided case; ``amount`` defaults to what remains (a referral stage has none)."""

    case_id = RowId(required=True)
    method = Choice(PAYMENT_METHODS, required=True, metadata={"example": "bank_transfer"})
    amount = Money()
    paid_on = Day(metadata={"description": "default today (China time); never in the future"})
    items = Text(500, metadata={"description": "what was given in kind"})
    note = Text(1000)
    from_reserve_fund = Flag(metadata={"description": "drawn from the township's reserve fund (备用金)"})


class ReverseBody(Body):
    reason = Text(1000, required=True, metadata={"example": "账号错误，银行退回"})
    bank_returned = Flag(metadata={"description": "required for a transfer already sent to the bank"})


class PaymentLine(Reply):
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    stage = fields.Integer(required=True)
    method = fields.String(required=True)
    amount = SignedMoney(allow_none=True, required=True)
    items = fields.String(allow_none=True)
    paid_on = fields.String(required=True, metadata={"example": "2026-11-20"})
    paid_by_id = fields.Integer(allow_none=True)
    batch_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    reverses_id = fields.Integer(allow_none=True, metadata={"description": "a reversal's payment"})
    reversed_by_id = fields.Integer(allow_none=True, metadata={"description": "the reversal of a reversed payment"})


class PaymentRecorded(Reply):
    payment = fields.Nested(PaymentLine, required=True)
    complete = fields.Boolean(required=True)
    case_state = fields.String(required=True)
    paid = Money(required=True)
    remaining = Money(required=True)
    warnings = fields.List(fields.String(), required=True)
    reserve_fund_balance = Money(allow_none=True)


class PaymentReversed(Reply):
    reversal = fields.Nested(PaymentLine, required=True)
    reversed_id = fields.Integer(required=True)
    case_state = fields.String(required=True)
    reopened = fields.Boolean(required=True)
    paid = Money(required=True)
    remaining = Money(required=True)
    reserve_fund_balance = Money(allow_none=True)


class CaseSettled(Reply):
    case_id = fields.Integer(required=True)
    case_state = fields.String(required=True, metadata={"example": "paid"})


class CasePayments(Reply):
    case_id = fields.Integer(required=True)
    case_state = fields.String(required=True)
    approved = Money(allow_none=True)
    paid = Money(required=True)
    remaining = Money(allow_none=True)
    complete = fields.Boolean(required=True)
    payments = fields.List(fields.Nested(PaymentLine), required=True)


class MethodTotal(Reply):
    count = fields.Integer(required=True)
    total = Money(required=True)


class LedgerRow(Reply):
    """One cash or in-kind payment of the 工作台账 (a reversal: a negative amount, the stage it reverses)."""

    id = fields.Integer(required=True)
    paid_on = Day(required=True)
    case_number = fields.String(required=True, metadata={"example": "370811-2026-000017"})
    category = fields.String(required=True, metadata={"example": "illness:uremia"})
    head_name = fields.String(required=True, metadata={"description": "masked for a viewer who may not see it"})
    id_number = fields.String(required=True, metadata={"description": "masked for a viewer who may not see it"})
    stage = fields.Integer(required=True)
    method = fields.String(required=True, metadata={"example": "cash"})
    amount = SignedMoney(required=True)
    items = fields.String(required=True, metadata={"description": "what was given in kind (empty: nothing)"})
    note = fields.String(required=True)
    paid_by = fields.String(required=True, metadata={"description": "the name of who paid"})
    from_reserve_fund = fields.Boolean(required=True, metadata={"description": "drawn from the reserve fund"})
    reverses_stage = fields.Integer(allow_none=True, required=True, metadata={"description": "a reversal's stage"})


class DisclosureRow(Reply):
    """One household and cause of the 公示 list: every stage of the month summed."""

    name = fields.String(required=True, metadata={"description": "masked (张*)"})
    id_number = fields.String(required=True, metadata={"description": "masked"})
    category = fields.String(required=True)
    methods = fields.List(fields.String(), required=True, metadata={"description": "payment methods used"})
    amount = Money(required=True)
    first_paid_on = Day(required=True)
    township = fields.String(required=True, metadata={"description": "the township's name"})
    case_number = fields.String(required=True, metadata={"description": "the first case of the household"})


class Ledger(Reply):
    township = fields.String(required=True)
    month = fields.String(required=True, metadata={"example": "2026-11"})
    rows = fields.List(fields.Nested(LedgerRow), required=True, metadata={"description": "oldest first"})
    by_method = fields.Dict(keys=fields.String(), values=fields.Nested(MethodTotal), required=True)
    count = fields.Integer(required=True)
    total = Money(required=True)


class Disclosure(Reply):
    township = fields.String(required=True)
    month = fields.String(required=True)
    rows = fields.List(fields.Nested(DisclosureRow), required=True, metadata={"description": "names and ID "
                                                                                            "numbers masked"})
    households = fields.Integer(required=True)
    total = Money(required=True)
    posted_on = fields.Date(allow_none=True, metadata={"description": "the day the list was posted; null while it is not"})


class AllocateBody(Body):
    township_id = RowId(required=True)
    kind = Choice(INFLOW_KINDS, required=True, metadata={"example": "allocation_county"})
    amount = Money(required=True)
    reason = Text(1000, required=True)
    confirm = Flag(metadata={"description": "send again with true to record a large amount"})


class Allocated(Reply):
    fund_id = fields.Integer(required=True)
    movement_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    amount = Money(required=True)
    balance = Money(required=True)


class BatchBody(Body):
    """One of ``county_id`` and ``township_id``."""

    county_id = RowId()
    township_id = RowId()
    note = Text(1000)


class BatchMade(Reply):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    payment_count = fields.Integer(required=True)
    total = Money(required=True)


class WaitingTownship(Reply):
    county_id = fields.Integer(required=True)
    township_id = fields.Integer(required=True)
    township = fields.String(required=True, metadata={"description": "the township's name"})
    count = fields.Integer(required=True, metadata={"description": "bank transfers not yet in a batch"})
    total = Money(required=True)


class Waiting(Reply):
    result = fields.List(fields.Nested(WaitingTownship), required=True, metadata={"description": "per township"})


class BatchRow(Reply):
    seq = fields.Integer(required=True)
    payee = fields.String(required=True)
    id_number = fields.String(required=True)
    bank_name = fields.String(required=True)
    bank_account = fields.String(required=True)
    amount = Money(required=True)
    case_number = fields.String(required=True)
    stage = fields.Integer(required=True)
    paid_on = fields.String(required=True)


class BatchRows(Reply):
    number = fields.String(required=True)
    rows = fields.List(fields.Nested(BatchRow), required=True)
    payment_count = fields.Integer(required=True)
    total = Money(required=True)


SCHEMAS = (RecordPaymentBody, ReverseBody, PaymentLine, PaymentRecorded, PaymentReversed, CaseSettled,
           CasePayments, MethodTotal, LedgerRow, DisclosureRow, Ledger, Disclosure, WaitingTownship, AllocateBody, Allocated, BatchBody, BatchMade, Waiting,
           BatchRow, BatchRows)
