"""Small-count suppression: in city-level and exported breakdowns a count under the threshold is not
shown to users who do not see personal data — a township with two aided households would name them.

A suppressed cell becomes :class:`Hidden`, which the pages and the workbook write as "< n"; the rates of
a row whose case count is hidden are hidden too (3 of 4 is a count by another name). Totals are not
suppressed: they are the sum the user sees anyway.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.reports.indicators import COUNTS, RATES


@dataclass(frozen=True)
class Hidden:
    below: int

    def __str__(self) -> str:
        return f"< {self.below}"


def applies(level: str, export: bool, sees_personal_data: bool) -> bool:
    """Whether breakdowns are suppressed for this viewer: city-level or exported, and no personal data."""
    return (level == "city" or export) and not sees_personal_data


def suppress_row(values: dict, threshold: int | None) -> dict:
    """The row with every count in ``1 .. threshold-1`` hidden (zero says nothing about anyone)."""
    if not threshold or threshold <= 1:
        return values
    out = dict(values)
    for name in COUNTS:
        value = out.get(name)
        if isinstance(value, int) and 0 < value < threshold:
            out[name] = Hidden(threshold)
    if isinstance(out.get("cases"), Hidden) or isinstance(out.get("aided_cases"), Hidden):
        for name in RATES + ("median_days_to_payment", "aid_dibao_multiple"):
            if out.get(name) is not None:
                out[name] = Hidden(threshold)
    return out
