"""Bodies and answers of the rule editor's API (``/api/v1/rules/``): a county's rule file with its
revisions, a change previewed (the faults, or the diff), saved under the same guard as the screen (the
file's digest when it was read: a change saved meanwhile is a 409), and its impact run in the background.

A change says what the editor's form says, field by field (:class:`app.rules.editing.Changes`): values
are text as a person would type them (``"960"``, ``"3.5"``), judged by the loader's own schema, so the API
and the screen refuse the same things with the same faults.
"""
from __future__ import annotations

from marshmallow import fields

from app.web.schemas.base import Body, Day, Flag, Money, Moment, Reply, SignedMoney, Text

DIGEST = {"description": "sha256 of the file as you read it (GET /api/v1/rules/{code}): a file changed "
                         "meanwhile refuses the change with 409",
          "example": "5d41402abc4b2a76b9719d911017c592ae0d1f8f5b8f8b7f3b6c0e0a6b0b1e2c"}


def _texts(description: str, **kwargs) -> fields.Dict:
    return fields.Dict(keys=Text(200), values=Text(200), metadata={"description": description}, **kwargs)


class TierRow(Body):
    start = Text(40, required=True, data_key="from", metadata={"description": "self-paid cost from (yuan)",
                                                                "example": "0"})
    multiplier = Text(40, required=True, metadata={"description": "times the urban dibao", "example": "3"})


class NewTable(Body):
    name = Text(60, required=True, metadata={"example": "injury_tiers"})
    rows = fields.List(fields.Nested(TierRow), required=True)


class Bound(Body):
    min = Text(40, load_default="", metadata={"description": "empty: open below"})
    max = Text(40, load_default="", metadata={"description": "empty: open above"})


class Withdrawal(Body):
    """A planned entry of this file (dated after today) taken back: what was in force before stays."""

    path = Text(200, required=True, metadata={"example": "standards.dibao_monthly.urban"})
    day = Day(required=True, metadata={"description": "the planned entry's first day"})


class CategoryChange(Body):
    kind = Text(40, required=True, metadata={"example": "illness"})
    code = Text(60, required=True, metadata={"example": "uremia"})
    name = Text(100, required=True, metadata={"example": "尿毒症"})
    documents = fields.List(Text(200), load_default=list, metadata={"description": "the documents checklist"})
    tiers = Text(60, load_default="", metadata={"description": "the tier table it uses (empty: none)"})
    remove = Flag(load_default=False)
    name_en = Text(100, allow_none=True, load_default=None, metadata={"description": "null: left as it is"})


class RuleChangeBody(Body):
    """What to change, relative to the rules in force on ``shown_on`` (default today): a value equal to what
    is in force there is no change. Values in force change from ``effective`` (today or later)."""

    digest = Text(64, required=True, metadata=DIGEST)
    shown_on = Day(metadata={"description": "the day whose rules the change was written against"})
    effective = Day(allow_none=True, metadata={"description": "from when dated values change"})
    values = _texts("value path → new value, as typed", load_default=dict)
    settings = fields.Dict(keys=Text(200), values=fields.List(Text(60)), load_default=dict,
                           metadata={"description": "list setting path → the options chosen"})
    flags = fields.Dict(keys=Text(200), values=Flag(), load_default=dict,
                        metadata={"description": "yes/no setting path → true or false"})
    tables = fields.Dict(keys=Text(60), values=fields.List(fields.Nested(TierRow)), load_default=dict,
                         metadata={"description": "tier table → its rows"})
    new_table = fields.Nested(NewTable, allow_none=True, load_default=None)
    raised = _texts("tier table → the county's raised basis (empty withdraws it)", load_default=dict)
    bounds = fields.Dict(keys=Text(200), values=fields.Nested(Bound), load_default=dict,
                         metadata={"description": "the city file only: value path → its bounds"})
    withdrawals = fields.List(fields.Nested(Withdrawal), load_default=list)
    categories = fields.List(fields.Nested(CategoryChange), load_default=list)
    new_category = fields.Nested(CategoryChange, allow_none=True, load_default=None)


class RuleSaveBody(RuleChangeBody):
    reason = Text(500, required=True, metadata={"description": "why (on the revision record)",
                                                "example": "2027年城市低保标准调整"})


class RuleFileSummary(Reply):
    code = fields.String(required=True, metadata={"description": "the region's code", "example": "370811"})
    name = fields.String(required=True, metadata={"example": "任城区"})
    file = fields.String(required=True, metadata={"example": "counties/370811-rencheng.yaml"})
    role = fields.String(required=True, metadata={"description": "county or city"})


class RuleFiles(Reply):
    result = fields.List(fields.Nested(RuleFileSummary), required=True)


class RevisionEntry(Reply):
    id = fields.Integer(required=True)
    at = Moment(required=True)
    user = fields.String(allow_none=True, required=True, metadata={"description": "who saved it (username)"})
    reason = fields.String(required=True)
    effective = Day(allow_none=True, required=True)
    diff = fields.String(required=True, metadata={"description": "unified diff of the change"})
    digest_before = fields.String(required=True)
    digest_after = fields.String(required=True)
    reverts_id = fields.Integer(allow_none=True, required=True, metadata={"description": "the revision it undid"})


class RuleFileAnswer(RuleFileSummary):
    digest = fields.String(required=True, metadata=DIGEST)
    text = fields.String(required=True, metadata={"description": "the file's current text"})
    revisions = fields.List(fields.Nested(RevisionEntry), required=True, metadata={"description": "newest first"})


class Problem(Reply):
    """A change refused before the file is checked (a date missing, an entry already in force)."""

    field = fields.String(required=True, metadata={"example": "value:standards.dibao_monthly.urban"})
    code = fields.String(required=True, metadata={"example": "effective_needed"})
    message = fields.String(required=True)


class RuleFault(Reply):
    """A fault of the proposed file, found by the loader's own schema."""

    file = fields.String(required=True)
    line = fields.Integer(required=True)
    column = fields.Integer(required=True)
    path = fields.String(required=True, metadata={"example": "standards.dibao_monthly.urban"})
    found = fields.String(required=True)
    expected = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "in the caller's language"})


class Rewrite(Reply):
    """A value already in force on a day that has come that the change would alter (refused)."""

    county = fields.String(required=True)
    path = fields.String(required=True)
    day = Day(required=True)


class RulePreview(Reply):
    saveable = fields.Boolean(required=True, metadata={"description": "a save of this change would pass"})
    unchanged = fields.Boolean(required=True)
    digest = fields.String(required=True, metadata={"description": "the file's digest now"})
    effective = Day(allow_none=True, required=True)
    changed = fields.List(fields.String(), required=True, metadata={"description": "the fields that change"})
    diff = fields.String(required=True, metadata={"description": "unified diff of the file"})
    problems = fields.List(fields.Nested(Problem), required=True)
    faults = fields.List(fields.Nested(RuleFault), required=True)
    rewrites = fields.List(fields.Nested(Rewrite), required=True)
    notes = fields.List(fields.Nested(Problem), required=True, metadata={"description": "not refusals"})


class RuleSaved(Reply):
    revision = fields.Nested(RevisionEntry, required=True)
    digest = fields.String(required=True, metadata={"description": "the file's digest after the save"})


class Outcome(Reply):
    eligible = fields.Boolean(allow_none=True, required=True, metadata={"description": "null: input error"})
    level = fields.String(allow_none=True, required=True, metadata={"example": "township"})
    suggested = Money(allow_none=True, required=True)
    error = fields.String(allow_none=True)
    quick = fields.Boolean(required=True, metadata={"description": "小额快救"})


class ImpactExample(Reply):
    key = fields.String(required=True, metadata={"description": "the case number"})
    before = fields.Nested(Outcome, required=True)
    after = fields.Nested(Outcome, required=True)


class ImpactFigures(Reply):
    """The change measured over the applications of the last twelve months (a city file's: every county's)."""

    as_of = Day(required=True)
    applications = fields.Integer(required=True)
    changed = fields.Integer(required=True)
    changed_eligibility = fields.Integer(required=True)
    changed_level = fields.Integer(required=True)
    changed_amount = fields.Integer(required=True)
    eligible_before = fields.Integer(required=True)
    eligible_after = fields.Integer(required=True)
    errors_before = fields.Integer(required=True)
    errors_after = fields.Integer(required=True)
    total_before = Money(required=True)
    total_after = Money(required=True)
    difference = SignedMoney(required=True, metadata={"description": "total after minus before"})
    quick_before = fields.Integer(required=True)
    quick_after = fields.Integer(required=True)
    quick_total_before = Money(required=True)
    quick_total_after = Money(required=True)
    examples = fields.List(fields.Nested(ImpactExample), required=True)


class ImpactRun(Reply):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"description": "queued, running, succeeded, failed or "
                                                                  "skipped", "example": "running"})
    percent = fields.Integer(required=True)
    done = fields.Integer(required=True)
    total = fields.Integer(required=True)
    queued_at = Moment(required=True)
    finished_at = Moment(allow_none=True, required=True)
    error = fields.String(allow_none=True, required=True)
    result = fields.Nested(ImpactFigures, allow_none=True, required=True)


SCHEMAS = (TierRow, NewTable, Bound, Withdrawal, CategoryChange, RuleChangeBody, RuleSaveBody, RuleFileSummary,
           RuleFiles, RevisionEntry, RuleFileAnswer, Problem, RuleFault, Rewrite, RulePreview, RuleSaved, Outcome,
           ImpactExample, ImpactFigures, ImpactRun)
