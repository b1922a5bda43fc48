"""The engine's verdict in words, as the case page and the intake preview show it.

The verdict is stored as the engine wrote it (spec/evaluation.md): check names, residency codes, amounts
as text, deadlines as ISO dates and times, warning and note codes, the rule source ``file:line``. Here each
becomes what a caseworker reads: the check by name, money with two decimals, residency in words, China
time, a sentence for each warning, and the rule source as a small "依据" link to the rule file's line.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.views import choices
from app.views.policy_labels import note_label
from app.views.trail_text import money, trail_time

#: checks whose value and limit are amounts of money (the others count houses or vehicles, or residency)
MONEY_CHECKS = {"net_income", "income", "financial_assets"}
WARNINGS = {
    "calendar_unverified": _l("The official holidays of %(detail)s are not known yet: the deadline counts "
                              "Monday to Friday as working days."),
    "repeat_within_days": _l("The household was helped for the same cause recently: %(detail)s."),
}

#: a check the 2026 opinion waives for a household recognised recently (spec/policy-2026.md)
WAIVED = _l("Not checked again: recognised household")


@dataclass
class CheckRow:
    label: str
    passed: bool
    value: str
    limit: str
    source: str
    basis: str  # the link to the rule file's line


def _value(name: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ("、" if str(get_locale()).startswith("zh") else ", ").join(_value(name, v) for v in value)
    if name == "residency":
        return choices.label_of("residency", value)
    return money(value) if name in MONEY_CHECKS else str(value)


def basis_url(source: str | None) -> str:
    return url_for("CaseView.basis", source=source) if source else ""


def check_rows(verdict: dict, labels: dict) -> list[CheckRow]:
    return [CheckRow(str(labels.get(c["name"], c["name"])), c["passed"],
                     str(WAIVED) if c.get("waived") else _value(c["name"], c.get("value")),
                     _value(c["name"], c.get("limit")), c.get("source") or "", basis_url(c.get("source")))
            for c in verdict.get("checks", [])]


def deadline_rows(deadlines: dict, labels: dict) -> list[tuple[str, str, str]]:
    """(name, due in China time, met in China time or "") for each deadline — stored ones are
    ``{due, met}``, a preview's are the due text alone."""
    rows = []
    for name, value in (deadlines or {}).items():
        due, met = (value.get("due"), value.get("met")) if isinstance(value, dict) else (value, None)
        rows.append((str(labels.get(name, name)), trail_time(due), trail_time(met) if met else ""))
    return rows


def warning_text(code: str) -> str:
    """A warning of the engine or the intake (``calendar_unverified:2027``, ``repeat_within_days:180:C…``)
    as a sentence."""
    name, _, detail = str(code).partition(":")
    if name == "repeat_within_days" and detail:
        days, _, number = detail.partition(":")
        detail = str(_l("within %(days)s days, case %(number)s", days=days, number=number))
    sentence = WARNINGS.get(name)
    return str(sentence) % {"detail": detail} if sentence is not None else str(_l("Warning: %(code)s", code=code))


def note_text(code: str) -> str:
    return note_label(code)


def amount_text(amount: dict | None) -> dict:
    """The verdict's amount block, its money formatted; missing figures as a dash."""
    amount = amount or {}
    return {"tier": amount.get("tier") or "—", "multiplier": amount.get("multiplier") or "—",
            "base": money(amount.get("base")), "suggested": money(amount.get("suggested")) if amount.get("suggested")
            is not None else None, "maximum": money(amount.get("maximum"))}
