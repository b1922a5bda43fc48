"""Reading JSON as it was written, fast: what the stored applications and the JSON columns read with.

Pure (no Flask, no database), so the impact of a rule change (:mod:`app.rules.impact`) decodes a stored
input only when it needs it, and :mod:`app.extensions` makes it the columns' deserializer.
"""
from __future__ import annotations

import json
import re

import orjson

_LONG_DIGITS = re.compile(r"[0-9]{19}")       # an integer orjson may turn into a float (past 64 bits)
_LONG_DIGITS_BYTES = re.compile(rb"[0-9]{19}")


def json_loads(text):
    """orjson (a stored application reads in a third of :func:`json.loads`'s time, which the rule
    editor's impact over a year of applications feels), and :func:`json.loads` for text orjson would
    read otherwise or refuses — nineteen digits in a row (orjson makes an integer past 64 bits a float:
    above 2**64 - 1 or below -2**63, which needs 19 digits), NaN — so every stored value reads as it
    was written."""
    long_digits = _LONG_DIGITS_BYTES if isinstance(text, bytes) else _LONG_DIGITS
    if long_digits.search(text) is None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)
