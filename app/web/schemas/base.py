"""What every body and answer schema is made of: money, days, bounded text, ids, and the one error shape.

Money is loaded by :func:`app.services.money.parse_money` (the one rule for money on every door) and
dumped as a string with two decimals; a JSON number for money is refused, so no float carries it.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from app.services.ids import MAX_ROW_ID
from app.services.money import MoneyInvalid, parse_money
from app.web.errors import ApiRefusal

NOT_MONEY = _l('An amount is text in yuan with at most two decimals, such as "1200.50"')
NOT_A_DAY = _l("A date is written YYYY-MM-DD")
#: marshmallow's own messages, in the catalogue so the caller reads them in their language
MESSAGES = {
    "Unknown field.": _l("Unknown field."),
    "Missing data for required field.": _l("Missing data for required field."),
    "Field may not be null.": _l("Field may not be null."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid integer.": _l("Not a valid integer."),
    "Not a valid boolean.": _l("Not a valid boolean."),
    "Not a valid mapping type.": _l("Not a valid mapping type."),
    "Invalid input type.": _l("Invalid input type."),
    "Not a valid date.": NOT_A_DAY,
    "Invalid value.": _l("Invalid value."),
}
CHOOSE = _l("Must be one of: %(choices)s")
TOO_LONG = _l("At most %(max)s characters")
ROW_ID = _l("Not the id of a record")
_AT_MOST = re.compile(r"At most ([0-9]+) characters").fullmatch


class Money(fields.Field):
    """Yuan and fen: ``"1200"`` or ``"1200.50"`` in, ``Decimal`` inside, ``"1200.50"`` out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(type="string", pattern=r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
                                                 example="1200.00")
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        try:
            return parse_money(value)
        except MoneyInvalid:
            raise ValidationError(str(NOT_MONEY)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else f"{Decimal(value):.2f}"


class SignedMoney(Money):
    """An answer's amount that may be negative: a reversal (冲正) negates the payment it undoes."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.metadata.update(pattern=r"^-?[0-9]{1,10}(\.[0-9]{1,2})?$", example="-800.00")


class Day(fields.Date):
    """A calendar day, ``YYYY-MM-DD`` (China's day: no time, no zone)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(example="2026-11-20")
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> dt.date:
        if not isinstance(value, str):
            raise ValidationError(str(NOT_A_DAY))
        return super()._deserialize(value, attr, data, **kwargs)


class Moment(fields.DateTime):
    """A moment, answered in China time with its offset (``2026-11-20T09:30:00+08:00``); a database that
    hands back a time without its zone (SQLite) stored UTC."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update(example="2026-11-20T09:30:00+08:00")
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        from app.rules.inputs import CST

        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(CST).isoformat()


def Text(max_length: int = 500, **kwargs) -> fields.String:  # noqa: N802 — a field factory reads as a field
    """Free text a person typed: a string, at most ``max_length`` characters."""
    return fields.String(validate=validate.Length(max=max_length, error="At most {max} characters"), **kwargs)


def RowId(**kwargs) -> fields.Integer:  # noqa: N802
    """The id of a row: a whole number the database can hold (a 20-digit id is refused, not a 500)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ROW_ID, error=str(ROW_ID)),
                          metadata={"example": 1}, **kwargs)


def Flag(**kwargs) -> fields.Boolean:  # noqa: N802
    """A yes/no field: JSON ``true`` or ``false`` only (marshmallow would read "yes", "on", 1 as true)."""
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


def Choice(choices, **kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.OneOf(list(choices)), **kwargs)


class Body(Schema):
    """A request body: an unknown field is refused (a typo never passes as "not given")."""

    class Meta:
        unknown = RAISE


class Reply(Schema):
    """An answer; dumped, never loaded from a client."""


class ErrorDetail(Schema):
    field = fields.String(allow_none=True, required=True, metadata={"description": "the input at fault, or null",
                                                                    "example": "amount"})
    message = fields.String(required=True, metadata={"description": "in the caller's language (Accept-Language)",
                                                     "example": "金额须为元，最多两位小数，如 \"1200.50\""})
    code = fields.String(required=True, metadata={"description": "stable, for programs", "example": "invalid"})


class Error(Schema):
    """``{"error": {"field", "message", "code"}}``: every 4xx and 5xx of the API."""

    error = fields.Nested(ErrorDetail, required=True)


def _first(messages, prefix: str = "") -> tuple[str, str]:
    """The first fault of marshmallow's nested messages as (dotted field, message)."""
    if isinstance(messages, dict):
        key = sorted(messages, key=str)[0]
        name = f"{prefix}.{key}" if prefix and not isinstance(key, int) else (prefix or str(key))
        if isinstance(key, int):
            name = f"{prefix}[{key}]"
        return _first(messages[key], name)
    if isinstance(messages, list) and messages:
        return _first(messages[0], prefix) if isinstance(messages[0], (dict, list)) else (prefix, messages[0])
    return prefix, str(messages)


def worded(message: str) -> str:
    """A marshmallow message in the caller's language (``Must be one of: a, b.`` keeps its choices)."""
    if message in MESSAGES:
        return str(MESSAGES[message])
    longest = _AT_MOST(message)
    if longest:
        return gettext(TOO_LONG, max=longest.group(1))
    if message.startswith("Must be one of: "):
        return gettext(CHOOSE, choices=message[len("Must be one of: "):].rstrip("."))
    return gettext(message)


def refusal(exc: ValidationError) -> ApiRefusal:
    field, message = _first(exc.messages)
    return ApiRefusal(422, "invalid", worded(message), field or None)


def load_body(schema: type[Schema], body: dict) -> dict:
    """The body loaded by its schema, or a 422 naming the first field at fault."""
    try:
        return schema().load(body)
    except ValidationError as exc:
        raise refusal(exc) from None


def as_text(loaded: dict) -> dict:
    """A loaded body with its money and days written back as text, for a service that reads the fields as
    a person typed them (the workflow's transition fields); they passed the schema's checks already."""
    return {key: f"{value:.2f}" if isinstance(value, Decimal) else value.isoformat()
            if isinstance(value, dt.date) else value for key, value in loaded.items()}
