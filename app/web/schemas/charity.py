"""Bodies and answers of ``/api/v1/referral/`` (转介): refer, claim, release, aid, close, withdraw."""
from __future__ import annotations

from marshmallow import fields

from app.models.referral import AID_KINDS
from app.web.schemas.base import Body, Choice, Money, Reply, RowId, Text


class ReferBody(Body):
    case_id = RowId(required=True)
    need = Text(2000, required=True, metadata={"example": "透析费用缺口"})
    gap_money = Money()
    gap_goods = Text(1000)
    gap_services = Text(1000)


class NoteBody(Body):
    note = Text(1000)


class NothingBody(Body):
    """An action that takes no fields (an empty body or ``{}``)."""


class AidBody(Body):
    project_id = RowId(required=True)
    kind = Choice(AID_KINDS, required=True, metadata={"example": "money"})
    amount = Money(required=True, metadata={"description": "the money given, or the value of goods or services"})
    description = Text(1000)


class AidGiven(Reply):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    kind = fields.String(required=True)
    amount = Money(required=True)
    description = fields.String(allow_none=True)
    at = fields.String(required=True)


class ReferralState(Reply):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"example": "claimed"})
    claimed_by_charity_id = fields.Integer(allow_none=True, required=True)
    gap_money = Money(allow_none=True)
    aid_record = fields.Nested(AidGiven)
    project_remaining = Money(allow_none=True)


class Match(Reply):
    project_id = fields.Integer(required=True)
    project = fields.String(required=True)
    charity_id = fields.Integer(required=True)
    charity = fields.String(required=True)
    category_fit = fields.String(required=True)
    region_fit = fields.String(required=True)
    covers_gap = fields.Boolean(required=True)
    remaining = Money(allow_none=True)


class Matches(Reply):
    result = fields.List(fields.Nested(Match), required=True)


class CaseAid(Reply):
    government = fields.List(fields.Dict(), required=True)
    charity = fields.List(fields.Dict(), required=True)
    referrals = fields.List(fields.Dict(), required=True)
    totals = fields.Dict(required=True)


SCHEMAS = (ReferBody, NoteBody, NothingBody, AidBody, AidGiven, ReferralState, Match, Matches, CaseAid)
