"""Bodies and answers of ``/api/v1/referral/`` (转介): refer, claim, release, aid, close, withdraw."""
from __future__ import annotations

from marshmallow import fields

from app.models.referral import AID_KINDS
from app.web.schemas.base import Body, Choice, Money, Moment, Reply, RowId, Text


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


class GovernmentAid(Reply):
    """A decided case of the household (临时救助 by the office)."""

    case_id = fields.Integer(required=True)
    number = fields.String(required=True)
    category = fields.String(required=True)
    state = fields.String(required=True)
    amount = Money(allow_none=True, required=True, metadata={"description": "approved; null while undecided"})
    at = Moment(allow_none=True, required=True, metadata={"description": "when it was decided"})
    this_case = fields.Boolean(required=True)


class CharityAid(Reply):
    """Aid a charity recorded for the household (money, goods or services, with its value)."""

    id = fields.Integer(required=True)
    referral_id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"description": "the case's number"})
    charity = fields.String(required=True)
    project = fields.String(required=True)
    kind = fields.String(required=True, metadata={"example": "money"})
    amount = Money(required=True)
    description = fields.String(allow_none=True, required=True)
    at = Moment(required=True)
    this_case = fields.Boolean(required=True)


class ReferralOfHousehold(Reply):
    id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    state = fields.String(required=True)
    need = fields.String(required=True)
    gap_money = Money(allow_none=True, required=True)
    this_case = fields.Boolean(required=True)


class AidTotals(Reply):
    government = Money(required=True)
    charity_money = Money(required=True)
    charity_in_kind = Money(required=True, metadata={"description": "the value of goods and services"})
    all = Money(required=True)


class CaseAid(Reply):
    """Government and charity aid of the household side by side, so nobody pays twice (二、(五))."""

    government = fields.List(fields.Nested(GovernmentAid), required=True)
    charity = fields.List(fields.Nested(CharityAid), required=True)
    referrals = fields.List(fields.Nested(ReferralOfHousehold), required=True)
    totals = fields.Nested(AidTotals, required=True)


SCHEMAS = (ReferBody, NoteBody, NothingBody, AidBody, AidGiven, ReferralState, Match, Matches, GovernmentAid,
           CharityAid, ReferralOfHousehold, AidTotals, CaseAid)
