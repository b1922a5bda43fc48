"""Resident ID numbers (GB 11643-1999): normal form, check digit, birth date and masking.

A number is typed on a Chinese keyboard, pasted from a scan or sent by another system, so the same
person's number may arrive in full-width (``３７０８…``) or with a lower-case ``x``. Every door reads it
through :func:`normalise` (Unicode NFKC, spaces removed, ``X`` upper-case) and stores that form, so a
full-width twin is the same number, caught by the unique index like any duplicate. Only ASCII digits are a
number after that: Python's ``int()`` also reads Arabic-Indic or Devanagari digits, which no ID card has.

>>> is_valid("37081119800101001X")
True
>>> normalise("３７０８１１１９８００１０１００１ｘ")
'37081119800101001X'
>>> mask("370881197506150020")
'3708**********0020'
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"[0-9]{17}[0-9X]").fullmatch
_CHINA = dt.timezone(dt.timedelta(hours=8))


def normalise(number: str | None) -> str | None:
    """The one stored spelling of a number: NFKC (full-width and superscript digits become ASCII), no
    white space anywhere, ``X`` upper-case. Anything else is kept as typed, for :func:`problem` to name."""
    if number is None:
        return None
    folded = unicodedata.normalize("NFKC", str(number))
    return "".join(folded.split()).upper()


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def birth_date(number: str) -> dt.date | None:
    """The birth date a well-shaped number carries, or None if it names no real day."""
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def problem(number: str | None, today: dt.date | None = None) -> str | None:
    """Why a number (in normal form) is not a resident ID number, or None if it is one: ``shape``
    (not 17 ASCII digits and a digit or X), ``birth_date`` (no real day), ``born_later`` (a birth date
    after today, China time), ``check_digit``."""
    if not number or not _SHAPE(number):
        return "shape"
    born = birth_date(number)
    if born is None:
        return "birth_date"
    if born > (today or dt.datetime.now(_CHINA).date()):
        return "born_later"
    if number[17] != check_digit(number[:17]):
        return "check_digit"
    return None


def is_valid(number: str | None) -> bool:
    """18 characters after normalising, 17 ASCII digits, a real birth date not after today and the right
    check digit."""
    return problem(normalise(number)) is None


def mask(number: str | None) -> str:
    """Keep the first 4 and last 4 characters, as county offices print them."""
    if not number:
        return ""
    return number[:4] + "*" * (len(number) - 8) + number[-4:] if len(number) > 8 else "*" * len(number)
