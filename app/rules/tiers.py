"""Tier tables: bands of self-paid cost, each giving a multiple of the urban dibao standard.

A table is a list of rows ``{from: amount, multiplier: m}``; ``from`` strictly increases and the first is
0, so exactly one row matches any cost (the last whose ``from`` is at or below it). Rows are numbered
from 1, which is also how faults and the engine's ``tier`` name them.
"""
from __future__ import annotations

from decimal import Decimal

from app.rules.faults import Problem, describe
from app.rules.yamlsource import Number, item_pos, key_pos, node_pos, value_pos

ROW_KEYS = ("from", "multiplier")


class Row:
    """One row of a tier table, with its number (from 1) and where it was written."""

    __slots__ = ("number", "start", "multiplier", "line", "column", "source")

    def __init__(self, number: int, start: Decimal, multiplier: Decimal, file: str, line: int, column: int = 1):
        self.number = number
        self.start = start
        self.multiplier = multiplier
        self.line = line
        self.column = column
        self.source = f"{file}:{line}"

    def __repr__(self) -> str:
        return f"Row({self.number}: from {self.start} x{self.multiplier} @ {self.source})"


def find_row(rows, cost: Decimal, persons: int) -> Row:
    """The row for a per-person cost of ``cost / persons``, compared exactly as
    ``from * persons <= cost`` so no division decides it."""
    for row in reversed(rows):
        if row.start * persons <= cost:
            return row
    return rows[0]


def convert_table(raw, pos, rel: str, file: str):
    """Check a tier table as written and build its rows. Returns ``(rows, problems)``."""
    line, column = pos
    if not isinstance(raw, list):
        return None, [Problem(line, column, rel, describe(raw), "a tier table (a list of {from, multiplier} rows)")]
    if not raw:
        return None, [Problem(line, column, rel, "an empty list", "at least one row {from: 0, multiplier: m}")]
    problems: list[Problem] = []
    rows: list[Row] = []
    previous: Decimal | None = None
    for index, item in enumerate(raw):
        number = index + 1
        row_rel = f"{rel}[{number}]"
        row_line, row_column = item_pos(raw, index)
        if not isinstance(item, dict):
            problems.append(Problem(row_line, row_column, row_rel, describe(item), "a row {from: amount, multiplier: m}"))
            previous = None
            continue
        row_problems = []
        for key in item:
            if key not in ROW_KEYS:
                kl, kc = key_pos(item, key)
                row_problems.append(Problem(kl, kc, f"{row_rel}.{key}", f"unknown key {describe(key)}",
                                            "only from and multiplier in a tier row"))
        values = {}
        for key in ROW_KEYS:
            if key not in item:
                row_problems.append(Problem(row_line, row_column, f"{row_rel}.{key}", "nothing",
                                            f"a {key} in every tier row"))
                continue
            value = item[key]
            vl, vc = value_pos(item, key)
            if not isinstance(value, Number) or value < 0 or (key == "multiplier" and value == 0):
                what = "an amount >= 0" if key == "from" else "a number > 0"
                row_problems.append(Problem(vl, vc, f"{row_rel}.{key}", describe(value), what))
                continue
            values[key] = value
        problems.extend(row_problems)
        if "from" in values:
            start = values["from"]
            if index == 0 and start != 0:
                problems.append(Problem(row_line, row_column, f"{row_rel}.from", f"first from {start.text}",
                                        "the first row to start at from: 0"))
            elif previous is not None and start <= previous:
                problems.append(Problem(row_line, row_column, f"{row_rel}.from",
                                        f"from {start.text} after from {_text(previous)} in row {number - 1}",
                                        "from strictly increasing from row to row"))
            previous = start
        if not row_problems:
            rows.append(Row(number, Decimal(values["from"]), Decimal(values["multiplier"]), file, row_line + 1, row_column + 1))
    return (tuple(rows) if not problems else None), problems


def _text(value) -> str:
    return value.text if isinstance(value, Number) else str(value)


__all__ = ["Row", "find_row", "convert_table", "node_pos"]
