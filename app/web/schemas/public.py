"""Bodies and answers of ``/api/v1/public/…`` (no login): checklist, captcha, self-check, report, status,
posted list.

A body is loaded before any service reads it: an unknown field is refused (a typo never passes as "not
given"), money is a decimal string, counts are JSON integers, the household has at least one person. What
the schema lets through the services still check (a category of the county's rules, a township of the
city, an ID number's check digit) and answer on their field.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from app.models.lead import LEAD_SEVERITIES
from app.services.money import MoneyInvalid, parse_money
from app.web.schemas.base import NOT_MONEY, Body, Choice, Day, ErrorDetail, Money, Reply, RowId, Text

AT_LEAST_ONE = "A whole number, at least 1."
NOT_NEGATIVE = "A whole number, 0 or more"


class Figure(Money):
    """A person's own money figure: yuan and fen as text, zero allowed (no income, no savings)."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_money(value, allow_zero=True)
        except MoneyInvalid:
            raise ValidationError(str(NOT_MONEY)) from None


def Count(minimum: int, **kwargs) -> fields.Integer:  # noqa: N802 — a field factory reads as a field
    """A number of people or things: a JSON integer, at least ``minimum``."""
    message = AT_LEAST_ONE if minimum == 1 else NOT_NEGATIVE
    return fields.Integer(strict=True, validate=validate.Range(min=minimum, max=10_000, error=message), **kwargs)


class Captcha(Body):
    captcha_token = fields.String(required=True, metadata={"description": "the token of GET /api/v1/public/captcha"})
    captcha_answer = fields.String(required=True, metadata={"description": "the characters of its picture",
                                                            "example": "ACDE"})


class SelfCheckBody(Body):
    county = Text(6, required=True, metadata={"description": "6-digit county code", "example": "370811"})
    kind = Choice(("emergency", "expenditure"), required=True, metadata={"example": "emergency"})
    category = Text(64, required=True, metadata={"description": "<kind>:<code> of the checklist",
                                                 "example": "incident:fire"})
    severity = Choice(("light", "heavy"), metadata={"description": "an emergency's; light when left out"})
    residency = Choice(("local_hukou", "residence_permit", "none"), required=True,
                       metadata={"example": "local_hukou"})
    area = Choice(("urban", "rural"), required=True, metadata={"example": "rural"})
    size = Count(1, required=True, metadata={"description": "people in the household, at least 1", "example": 3})
    monthly_income = Figure(metadata={"description": "the household's income per month, yuan"})
    monthly_necessary_expenses = Figure(metadata={"description": "self-paid necessary costs per month, yuan"})
    financial_assets = Figure()
    houses = Count(0)
    vehicles = Count(0)
    cost = Figure(metadata={"description": "the cost met (medical, school …), yuan"})


class CheckPassed(Reply):
    name = fields.String(required=True, metadata={"example": "residency"})
    passed = fields.Boolean(required=True)


class SelfCheckResult(Reply):
    may_qualify = fields.Boolean(required=True)
    checks = fields.List(fields.Nested(CheckPassed), required=True)
    category = fields.String(required=True, metadata={"example": "incident:fire"})
    documents = fields.List(fields.String(), required=True, metadata={"description": "what to bring (一次性告知)"})


class ReportBody(Captcha):
    person_name = Text(64, required=True, metadata={"example": "陈三"})
    id_number = Text(18, allow_none=True, metadata={"description": "optional; needed to follow the report"})
    phone = Text(20, required=True, metadata={"example": "13600000000"})
    township_id = RowId(required=True)
    village = Text(64, allow_none=True)
    address = Text(200, allow_none=True)
    category = Text(64, required=True, metadata={"example": "incident:fire"})
    severity = Choice(LEAD_SEVERITIES, required=True, metadata={"example": "urgent"})
    description = Text(1000, required=True, metadata={"example": "房屋失火"})
    website = fields.String(metadata={"description": "leave out (a field people never see: a bot fills it)"})


class ReportSent(Reply):
    number = fields.String(required=True, metadata={"example": "XS261201A1B2C3D4"})
    first_contact_within_hours = fields.Integer(required=True, metadata={"example": 24})


class StatusBody(Captcha):
    number = Text(32, required=True, metadata={"description": "case or report number"})
    id_tail = Text(4, required=True, metadata={"description": "the ID number's last four characters",
                                               "example": "123X"})


class StatusFound(Reply):
    number = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "in the caller's language"})
    next_steps = fields.List(fields.String(), required=True)
    due_on = fields.String(required=True, allow_none=True, metadata={"format": "date", "example": "2026-12-03",
                                                                     "description": "YYYY-MM-DD, or null"})


class CountyName(Reply):
    code = fields.String(required=True, metadata={"example": "370811"})
    name = fields.String(required=True, metadata={"example": "任城区"})


class ChecklistCategory(Reply):
    category = fields.String(required=True, metadata={"example": "incident:fire"})
    kind = fields.String(required=True, metadata={"example": "incident"})
    name = fields.String(required=True, metadata={"example": "火灾"})
    documents = fields.List(fields.String(), required=True)


class Checklist(Reply):
    county = fields.Nested(CountyName, required=True)
    categories = fields.List(fields.Nested(ChecklistCategory), required=True)


class CaptchaChallenge(Reply):
    token = fields.String(required=True, metadata={"description": "send back with the answer; good once, ten minutes"})
    image = fields.String(required=True, metadata={"description": "data:image/png;base64,…"})


class PostedRow(Reply):
    name = fields.String(required=True, metadata={"description": "masked as printed", "example": "张*丰"})
    id_number = fields.String(required=True, metadata={"example": "3708**********1234"})
    category = fields.String(required=True)
    amount = Money(required=True)
    paid_on = Day(required=True, allow_none=True)


class PostedList(Reply):
    township = fields.String(required=True)
    month = fields.String(required=True, metadata={"example": "2026-11"})
    households = fields.Integer(required=True)
    total = Money(required=True)
    rows = fields.List(fields.Nested(PostedRow), required=True)


class FieldsErrorDetail(ErrorDetail):
    fields = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "every field at fault with its message (the first one is also in field/message)",
        "example": {"phone": "请填写此项。", "description": "最多 1000 个字符"}})


class FieldsError(Schema):
    """``{"error": {"field", "message", "code", "fields"}}``: a public body with every fault named."""

    error = fields.Nested(FieldsErrorDetail, required=True)


def fields_error(description: str) -> dict:
    """An OpenAPI response whose body names every field at fault."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FieldsError"}}}}


SCHEMAS = (FieldsErrorDetail, FieldsError, SelfCheckBody, CheckPassed, SelfCheckResult, ReportBody, ReportSent, StatusBody, StatusFound,
           CountyName, ChecklistCategory, Checklist, CaptchaChallenge, PostedRow, PostedList)
