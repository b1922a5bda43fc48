"""Row ids as callers send them: a JSON integer the database can hold, or nothing.

A 20-digit id is no row of ours, but handed to the database it overflows the driver (SQLite:
``OverflowError``; PostgreSQL: out of range) instead of finding nothing.
"""
from __future__ import annotations

#: the largest id an INTEGER primary key holds on both databases
MAX_ROW_ID = 2**31 - 1


def is_row_id(value) -> bool:
    return type(value) is int and 0 < value <= MAX_ROW_ID


def row_id(value) -> int | None:
    """``value`` if it can be a row's id, else None (finds nothing, like an id of no row)."""
    return value if is_row_id(value) else None
