"""The ``performance`` section of a rule file: a county's 绩效目标表 targets and the small-count threshold.

Why in the rule files: the targets (e.g. 先行救助 within 24 h for 95 % of emergencies) and the points
each is worth are set by each county's evaluation plan, and change year by year — data, like the dibao
standard, dated like any other leaf, validated with file:line faults, merged city → county.

``performance.suppress_below``
    whole number >= 1 — in city-level and exported breakdowns a count below this is shown as "< n"
    to users who do not see personal data (small-count suppression).
``performance.targets.<indicator>``
    number from 0 to 100 — the target, in per cent, of a rate the dashboards compute.
``performance.points.<indicator>``
    number >= 0 — what meeting that target scores in the 绩效目标表; a rate short of its target scores
    in proportion (actual ÷ target × points).

The indicators are the rates of :data:`INDICATORS` — an unknown name is a fault naming them.
"""
from __future__ import annotations

from decimal import Decimal

from app.rules.faults import Problem, describe
from app.rules.fields import Amount, Count, Fail, Section

#: the rates a county may set a target for (the dashboards' names)
INDICATORS = ("pre_assist_due_rate", "registration_due_rate", "decision_due_rate", "quick_due_rate",
              "bank_share", "fund_execution_rate")


class Percent(Amount):
    """A number of per cent, 0 to 100."""

    expected = "a number from 0 to 100"

    def convert(self, raw, pos, rel):
        value = super().convert(raw, pos, rel)
        if value > 100:
            raise Fail(Problem(*pos, rel, describe(raw), self.expected))
        return value


def _indicator_schema(name: str, field):
    from app.rules.schema import RuleSchema

    return type(name, (RuleSchema,), {indicator: field() for indicator in INDICATORS})


def performance_schema():
    """The schema class of the section (built late: :mod:`app.rules.schema` imports this module)."""
    from app.rules.schema import RuleSchema

    class PerformanceSchema(RuleSchema):
        suppress_below = Count(1)
        targets = Section(_indicator_schema("TargetsSchema", Percent))
        points = Section(_indicator_schema("PointsSchema", Amount))

    return PerformanceSchema


def score(actual: Decimal | None, target: Decimal | None, points: Decimal | None) -> Decimal | None:
    """The 绩效目标表 score of one rate: full points at or above target, in proportion below; None when
    there is no target, no points or nothing measured. ``actual`` is a fraction, ``target`` per cent."""
    if actual is None or target is None or points is None:
        return None
    if target == 0:
        return Decimal(points).quantize(Decimal("0.01"))
    reached = min(Decimal(1), actual * 100 / Decimal(target))
    return (reached * Decimal(points)).quantize(Decimal("0.01"))
