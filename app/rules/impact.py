"""What a proposed rule change would do to the office's caseload and budget, before it is saved.

The caseload of the last twelve months stands for the caseload to come: every stored application
(``Case.inputs``, the engine's own input) is evaluated twice on the same day — under the rules as they
are (planned entries included) and as they would be after the edit — and the two verdicts are
compared: how many change eligibility, approval level or amount, and the total suggested amount before
and after — and, for the 2026 opinion's 小额快救, how many applications are quick aid and what those
are suggested in all, before and after. The day is the edit's effective date (today for an edit that is not dated), so a rise of a
standard from next July is measured as it will act from next July; applications are re-dated to it,
and their own acceptance and reporting times are dropped (they decide only deadlines, which the impact
does not compare).

Both rule sets are built once and each evaluation is one engine call, so 50,000 applications take a
few seconds (``bench/editor_impact.py``). Pure: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable

from app.rules.engine import evaluate_request
from app.rules.faults import InputError
from app.rules.inputs import parse_input

#: input fields that only place deadlines; a re-dated application takes the defaults
DATED_FIELDS = ("accepted_on", "reported_at", "pre_assisted_on")


@dataclass
class Outcome:
    """What one verdict decides that the impact compares."""

    eligible: bool | None  # None: the input could not be evaluated (an input error)
    level: str | None
    suggested: Decimal | None
    error: str | None = None
    quick: bool = False  # 小额快救

    @classmethod
    def of(cls, req, rules) -> "Outcome":
        """The outcome of a parsed input (or of the input error that stopped its parsing)."""
        if isinstance(req, InputError):
            return cls(None, None, None, f"{req.field}: {req.message}")
        try:
            decision = evaluate_request(req, rules, explain=False)
        except InputError as exc:
            return cls(None, None, None, f"{exc.field}: {exc.message}")
        return cls(decision.eligible, decision.approval_level, decision.suggested, quick=decision.quick)


@dataclass
class Example:
    key: object
    before: Outcome
    after: Outcome


@dataclass
class Impact:
    as_of: date
    applications: int = 0
    changed: int = 0                # any of the three below
    changed_eligibility: int = 0
    changed_level: int = 0
    changed_amount: int = 0
    eligible_before: int = 0
    eligible_after: int = 0
    errors_before: int = 0
    errors_after: int = 0
    total_before: Decimal = Decimal(0)
    total_after: Decimal = Decimal(0)
    quick_before: int = 0           # applications that are 小额快救 under the current rules
    quick_after: int = 0
    quick_total_before: Decimal = Decimal(0)  # suggested to those, in all
    quick_total_after: Decimal = Decimal(0)
    examples: list[Example] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        return self.total_after - self.total_before


def redated(data: dict, day: str) -> dict:
    """The application as if made on ``day`` (YYYY-MM-DD)."""
    out = {key: value for key, value in data.items() if key not in DATED_FIELDS}
    out["application_date"] = day
    return out


def impact(current, proposed, applications: Iterable[tuple[object, dict]], as_of: date,
           examples: int = 20) -> Impact:
    """Compare ``current`` and ``proposed`` (RuleSets) over ``(key, engine input)`` pairs on ``as_of``;
    keeps the first ``examples`` applications whose outcome changed."""
    result = Impact(as_of)
    day = as_of.isoformat()
    for key, data in applications:
        try:
            req = parse_input(redated(data, day))
        except InputError as exc:
            req = exc
        before, after = Outcome.of(req, current), Outcome.of(req, proposed)
        result.applications += 1
        result.errors_before += before.error is not None
        result.errors_after += after.error is not None
        result.eligible_before += bool(before.eligible)
        result.eligible_after += bool(after.eligible)
        if before.suggested is not None:
            result.total_before += before.suggested
        if after.suggested is not None:
            result.total_after += after.suggested
        if before.quick:
            result.quick_before += 1
            result.quick_total_before += before.suggested or 0
        if after.quick:
            result.quick_after += 1
            result.quick_total_after += after.suggested or 0
        eligibility = before.eligible != after.eligible
        level = before.level != after.level
        amount = before.suggested != after.suggested
        result.changed_eligibility += eligibility
        result.changed_level += level
        result.changed_amount += amount
        if eligibility or level or amount:
            result.changed += 1
            if len(result.examples) < examples:
                result.examples.append(Example(key, before, after))
    return result
