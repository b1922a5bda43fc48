"""Money as the finance services handle it: Decimal yuan with two places, exact in SQL too.

PostgreSQL keeps ``Numeric(12, 2)`` exactly; SQLite keeps it as binary floating point. So sums are
rounded to fen in SQL (:func:`sum_fen`, :func:`round_fen`), a conditional "enough left" test allows half a
fen of float noise (:data:`HALF_FEN`), and every value read back goes through :func:`fen`.
"""
from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import Numeric, func, type_coerce

HALF_FEN = Decimal("0.005")
ZERO = Decimal("0.00")
#: Numeric(12, 2) holds ten digits before the point
CEILING = Decimal("1e10")


#: what a caller may type for money: ASCII digits, at most two decimals — no sign, no exponent (``1e5``),
#: no full-width or other digits (``Decimal("１００")`` would read them), no ``NaN``
_MONEY_TEXT = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?").fullmatch


class MoneyInvalid(ValueError):
    """Not a sum in yuan and fen."""


def parse_money(value, allow_zero: bool = False) -> Decimal:
    """THE rule for money on every door (screens, API, services): ``"1200"``, ``"1200.5"`` or a ``Decimal``
    → ``Decimal("1200.50")``. Text holds ASCII digits with at most two decimals; a JSON number (int or
    float) is refused, so no float ever carries money; never negative, never beyond ``Numeric(12, 2)``."""
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str) and _MONEY_TEXT(value.strip()):
        amount = Decimal(value.strip())
    elif isinstance(value, (int, float)):
        raise MoneyInvalid('amounts are sent as text such as "1200.50", never as numbers')
    else:
        raise MoneyInvalid('the amount must be a number of yuan such as "1200" or "1200.50"')
    if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero) \
            or amount != amount.quantize(Decimal("0.01")) or amount >= CEILING:
        raise MoneyInvalid("the amount must be positive, in yuan and fen")
    return amount.quantize(Decimal("0.01"))


def fen(value) -> Decimal:
    """A stored or summed value as Decimal yuan with two places (SQLite may hand back a float)."""
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def round_fen(expression):
    """Round a money expression to fen in SQL (exact on PostgreSQL; clears float noise on SQLite)."""
    return type_coerce(func.round(expression, 2), Numeric(12, 2))


def sum_fen(column):
    """``SUM(column)`` rounded to fen, zero when there are no rows."""
    return round_fen(func.coalesce(func.sum(column), 0))
