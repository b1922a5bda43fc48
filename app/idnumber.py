"""Resident ID numbers (GB 11643-1999): check digit and masking.

>>> is_valid("37081119800101001X")
True
>>> mask("370881197506150020")
'3708**********0020'
"""
from __future__ import annotations

import datetime as dt

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def is_valid(number: str) -> bool:
    """18 characters, 17 digits, a real birth date and the right check digit."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return number[17].upper() == check_digit(number[:17])


def mask(number: str | None) -> str:
    """Keep the first 4 and last 4 characters, as county offices print them."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)
