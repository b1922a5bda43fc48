"""Bodies and answers of ``/api/v1/case/``: preview, intake (households and people passing through),
transitions, re-evaluation, posting and objections, the trail and the home county's list."""
from __future__ import annotations

from marshmallow import fields

from app.web.schemas.base import Body, Choice, Day, Money, Reply, RowId, Text
from app.web.schemas.engine import AsAnswered, Figures, Verdict


class IntakeBody(Body):
    """An application of a household already registered (``GET /api/v1/household/``)."""

    household_id = RowId(required=True)
    figures = Figures(required=True)


class Person(Body):
    """Someone passing through (临时遇困人员): registered with the case, helped where it happened."""

    name = Text(60, required=True, metadata={"example": "李四"})
    id_number = Text(18, metadata={"example": "370811199001011234"})
    phone = Text(20)
    township = Text(12, required=True, metadata={"description": "code of the township where it happened",
                                                 "example": "370811001"})
    home_region = Text(12, metadata={"description": "code of the home region inside the city"})
    home_place = Text(200, metadata={"description": "home place outside the city"})
    incident_place = Text(200)
    incident = Text(1000)
    area = Choice(("urban", "rural"))
    residency = Choice(("local_hukou", "residence_permit", "none"))


class PassingBody(Body):
    person = fields.Nested(Person, required=True)
    figures = Figures(required=True)


class TransitionBody(Body):
    """The fields a transition of config/workflow.yaml asks for; which are required depends on the
    transition (the answer names a missing one)."""

    reason = Text(1000)
    note = Text(1000)
    amount = Money()
    date = Day()


class ObjectionBody(Body):
    raised_by = Text(100, required=True)
    content = Text(2000, required=True)


class ResolveBody(Body):
    resolution = Text(2000, required=True)


class CaseTaken(Reply):
    id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"example": "370811-2026-000017"})
    state = fields.String(required=True, metadata={"example": "received"})
    verdict = AsAnswered(Verdict, required=True)
    warnings = fields.List(fields.Raw(), required=True)


class CaseMoved(Reply):
    id = fields.Integer(required=True)
    state = fields.String(required=True, metadata={"example": "approved"})
    approved_amount = Money(allow_none=True, required=True)
    next = fields.List(fields.String(), required=True, metadata={"description": "transitions you may take now"})


class Reevaluated(Reply):
    verdict = AsAnswered(Verdict, required=True)


class HelpedElsewhere(Reply):
    number = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "masked"})
    category = fields.String(required=True)
    state = fields.String(required=True)
    suggested_amount = Money(allow_none=True)
    approved_amount = Money(allow_none=True)
    application_date = fields.String(required=True)
    county = fields.String(required=True, metadata={"description": "code of the county that helped"})


class HelpedElsewherePage(Reply):
    count = fields.Integer(required=True)
    result = fields.List(fields.Nested(HelpedElsewhere), required=True)


class ObjectionState(Reply):
    id = fields.Integer(required=True)
    open = fields.Boolean(required=True)


class Objection(Reply):
    id = fields.Integer(required=True)
    raised_by = fields.String(required=True)
    content = fields.String(required=True)
    open = fields.Boolean(required=True)
    recorded_at = fields.String(required=True, metadata={"description": "ISO 8601 with offset"})
    resolution = fields.String(allow_none=True)


class Posting(Reply):
    required = fields.Boolean(required=True)
    opened_on = fields.String(allow_none=True)
    ends_on = fields.String(allow_none=True)
    working_days = fields.Integer(allow_none=True)
    days_left = fields.Integer(allow_none=True)
    objections = fields.List(fields.Nested(Objection), required=True)


#: a recorded column's value: money as a decimal string, days and times ISO 8601, a JSON column (the
#: engine's input, the verdict) as its object; never a float
RECORDED = {"anyOf": [{"type": kind, "nullable": True} for kind in ("string", "integer", "boolean", "object")]
            + [{"type": "array", "items": {}, "nullable": True}]}


def Recorded(**kwargs) -> fields.Dict:  # noqa: N802 — a field factory reads as a field
    """An audit entry's values: column → the value it had (before) or took (after)."""
    return fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True, metadata=RECORDED),
                       allow_none=True, metadata={"description": "column → value as recorded (personal data "
                                                                 "masked for a viewer who may not see it)"},
                       **kwargs)


class TrailEntry(Reply):
    at = fields.String(required=True, metadata={"description": "ISO 8601 with offset"})
    user = fields.String(allow_none=True)
    user_id = fields.Integer(allow_none=True)
    action = fields.String(required=True, metadata={"example": "approve"})
    target = fields.String(required=True, metadata={"example": "tempaid_case"})
    before = Recorded(required=True)
    after = Recorded(required=True)
    note = fields.String(allow_none=True)


class Trail(Reply):
    result = fields.List(fields.Nested(TrailEntry), required=True, metadata={"description": "oldest first"})


SCHEMAS = (IntakeBody, Person, PassingBody, TransitionBody, ObjectionBody, ResolveBody, CaseTaken, CaseMoved,
           Reevaluated, HelpedElsewhere, HelpedElsewherePage, ObjectionState, Objection, Posting, TrailEntry, Trail,
           Verdict)
