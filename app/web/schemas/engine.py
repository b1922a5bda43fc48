"""The engine's input and verdict as the OpenAPI document describes them (spec/evaluation.md).

The engine checks its own input field by field (its error names the field), so an endpoint passes the
figures through whole; these schemas document the shape and let the contract test check the verdict.
"""
from __future__ import annotations

from marshmallow import INCLUDE, fields

from app.web.schemas.base import Body, Choice, Day, Reply

MONEY_TEXT = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$", "example": "650"}

FIGURES_EXAMPLE = {"kind": "expenditure", "category": "illness:uremia", "application_date": "2026-11-20",
                   "household": {"monthly_income": ["1200"] * 12, "monthly_necessary_expenses": ["900"] * 6,
                                 "financial_assets": "3000", "houses": 1, "vehicles": 0},
                   "cost": "40000"}


def Figures(**kwargs) -> fields.Dict:  # noqa: N802 — a field factory reads as a field
    """The engine input of spec/evaluation.md; the household's own fields (county, area, residency, size,
    dibao, tekun) come from the stored household and need not be sent."""
    return fields.Dict(keys=fields.String(), metadata={
        "description": "engine input (spec/evaluation.md): kind, category, application_date, household "
                       "figures, cost, severity ...; money as decimal strings, dates YYYY-MM-DD",
        "example": FIGURES_EXAMPLE}, **kwargs)


class HouseholdFigures(Body):
    size = fields.Integer(required=True, metadata={"minimum": 1, "example": 3})
    monthly_income = fields.List(fields.String(metadata=MONEY_TEXT), metadata={"description": "most recent first"})
    monthly_necessary_expenses = fields.List(fields.String(metadata=MONEY_TEXT))
    financial_assets = fields.String(metadata=MONEY_TEXT)
    houses = fields.Integer(metadata={"minimum": 0})
    vehicles = fields.Integer(metadata={"minimum": 0})
    dibao = fields.Boolean()
    tekun = fields.Boolean()


class EngineInput(Body):
    """The engine's input (spec/evaluation.md, "Input"); the engine itself refuses a fault on its field."""

    county = fields.String(required=True, metadata={"example": "370811"})
    kind = Choice(("expenditure", "emergency"), required=True)
    category = fields.String(required=True, metadata={"example": "illness:uremia"})
    application_date = Day(required=True)
    residency = Choice(("local_hukou", "residence_permit", "none"), required=True)
    area = Choice(("urban", "rural"), required=True)
    household = fields.Nested(HouseholdFigures, required=True)
    cost = fields.String(metadata=MONEY_TEXT)
    beneficiaries = fields.Integer(metadata={"minimum": 1})
    severity = Choice(("light", "heavy", "major"))
    requested_amount = fields.String(metadata=MONEY_TEXT)
    accepted_on = Day()
    reported_at = fields.String(metadata={"description": "ISO 8601 with offset",
                                          "example": "2026-11-20T21:30:00+08:00"})
    pre_assisted_on = Day()


class Open(Reply):
    """The engine may add a key (a later spec revision): documented as allowed."""

    class Meta:
        unknown = INCLUDE


class Check(Open):
    waived = fields.String(metadata={"description": "why a recognised household passes unexamined"})
    name = fields.String(required=True)
    passed = fields.Boolean(required=True)
    value = fields.Raw(allow_none=True)
    limit = fields.Raw(allow_none=True)
    source = fields.String(allow_none=True)


class Amount(Open):
    tier = fields.Integer(allow_none=True)
    multiplier = fields.Raw(allow_none=True)
    base = fields.String(allow_none=True)
    beneficiaries = fields.Integer(allow_none=True)
    suggested = fields.String(allow_none=True)
    maximum = fields.String(allow_none=True)
    case_by_case = fields.Boolean()


class Verdict(Open):
    """What the engine answers: eligibility with every check, amount, approval level and deadlines."""

    county = fields.String(required=True, metadata={"example": "370811"})
    kind = fields.String(required=True, metadata={"example": "expenditure"})
    category = fields.String(required=True, metadata={"example": "illness:uremia"})
    as_of = fields.String(required=True, metadata={"example": "2026-11-20"})
    eligible = fields.Boolean(required=True)
    checks = fields.List(fields.Nested(Check), required=True)
    amount = fields.Nested(Amount, allow_none=True)
    approval_level = fields.String(allow_none=True, metadata={"example": "county"})
    deadlines = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    notes = fields.List(fields.Raw())
    warnings = fields.List(fields.Raw())


class EngineErrorDetail(Reply):
    field = fields.String(allow_none=True, required=True)
    message = fields.String(required=True)


class EngineError(Reply):
    """The engine's input error, the same object as the CLI prints (spec/evaluation.md)."""

    error = fields.Nested(EngineErrorDetail, required=True)


class AsAnswered(fields.Nested):
    """Documented as the nested schema; dumped as the engine gave it (no key dropped, none reworded)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value
