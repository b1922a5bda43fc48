"""The one JSON serialisation of verdicts and errors, shared by the Python, CLI and HTTP doors.

The three doors must agree byte for byte, so none of them calls ``json.dumps`` itself: they call
:func:`dumps`. Key order is the order the engine builds (the order of ``spec/evaluation.md``), Chinese
text stays readable (``ensure_ascii=False``), and money is a string in plain notation: ``"5850"``,
``"412.5"`` — never a float, never an exponent.
"""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from app.rules.faults import InputError


def money(value: Decimal) -> str:
    """Plain, normalised decimal text: ``Decimal("5.85E+3")`` → ``"5850"``, ``412.50`` → ``"412.5"``."""
    if not value:
        return "0"
    text = format(value.normalize(), "f")
    return text


def number(value: Decimal):
    """A JSON number for a count-like Decimal (tier multipliers): int when whole, else float of its
    shortest text (multipliers are short decimals such as 4.5, which floats print exactly)."""
    if value == value.to_integral_value():
        return int(value)
    return float(money(value))


def _default(obj):
    if isinstance(obj, Decimal):
        return money(obj)
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, (tuple, set, frozenset)):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_default)


def dumps(obj) -> str:
    """THE serialisation of engine output (and of ``effective()``: Decimals become strings)."""
    return _ENCODER.encode(obj)


def error_json(error: InputError) -> dict:
    """The error object every door returns for bad input."""
    return {"error": {"field": error.field, "message": error.message}}


def answer(text, rules) -> tuple[str, bool]:
    """``(JSON text, ok)`` for one application sent as JSON text (``str``, or UTF-8 ``bytes``): what the
    CLI prints, the API sends and the batch writes (text that is not JSON is an input error like any other).

    A plain input is read by msgspec and its verdict written straight to text, in whole fen
    (:mod:`app.rules.quickverdict`). Anything else — text msgspec refuses, an input the fast path declines —
    is read by :func:`json.loads` and takes the engine and :func:`dumps`, so every error and every verdict
    is worded as the general path words it, byte for byte."""
    from app.rules.engine import evaluate
    from app.rules.quickverdict import quick_verdict

    quick = quick_verdict(text, rules)
    if quick is not None:
        return quick, True
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError, or text that is not UTF-8
        return dumps(error_json(InputError(None, f"the input is not valid JSON: {exc}"))), False
    try:
        return dumps(evaluate(data, rules)), True
    except InputError as exc:
        return dumps(error_json(exc)), False
