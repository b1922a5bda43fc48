"""Bodies and answers of ``/api/v1/lead/`` (急难线索): the township's inbox over JSON — list, one lead,
accept into an intake, merge with a case, close with a reason — and the grid worker's own reports, which
carry the outcome only (never the case's personal data)."""
from __future__ import annotations

from marshmallow import fields

from app.models.lead import LEAD_SEVERITIES, LEAD_SOURCES, LEAD_STATES
from app.services.leads import HOUSEHOLD_CHOICES
from app.web.schemas.base import Body, Choice, Reply, Text
from app.web.schemas.engine import Figures

MOMENT = {"format": "date-time", "example": "2026-12-01T09:30:00+08:00",
          "description": "China Standard Time, with its offset"}


class NewHousehold(Body):
    """The household a lead is about, when no household holds the reported ID number yet."""

    head_name = Text(64, required=True, metadata={"example": "赵六"})
    id_number = Text(18, required=True, metadata={"example": "370811199001011234"})
    area = Choice(HOUSEHOLD_CHOICES["area"], required=True)
    residency = Choice(HOUSEHOLD_CHOICES["residency"], required=True)
    size = fields.Integer(strict=True, required=True, metadata={"example": 3, "minimum": 1})
    phone = Text(20)
    address = Text(200)


class AcceptBody(Body):
    figures = Figures(required=True)
    household = fields.Nested(NewHousehold, metadata={
        "description": "only when no household holds the lead's ID number (else the one found is taken)"})


class MergeBody(Body):
    case_number = Text(32, required=True, metadata={"description": "an open case in your jurisdiction",
                                                    "example": "370811-2026-000017"})


class CloseBody(Body):
    reason = Text(500, required=True, metadata={"example": "经核实已由亲属救助"})


class CaseRef(Reply):
    id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"example": "370811-2026-000017"})
    state = fields.String(required=True, metadata={"example": "accepted"})


class LeadRow(Reply):
    id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"example": "XS261201A1B2C3D4"})
    source = fields.String(required=True, metadata={"enum": list(LEAD_SOURCES)})
    reported_at = fields.String(required=True, metadata=MOMENT)
    person_name = fields.String(required=True, metadata={"description": "masked for roles that do not work the case"})
    county = fields.String(required=True, metadata={"example": "370811"})
    township_id = fields.Integer(required=True)
    township = fields.String(required=True, metadata={"example": "南张街道"})
    village = fields.String(required=True, allow_none=True)
    category = fields.String(required=True, metadata={"example": "incident:fire"})
    category_name = fields.String(required=True, metadata={"example": "火灾"})
    severity = fields.String(required=True, metadata={"enum": list(LEAD_SEVERITIES)})
    state = fields.String(required=True, metadata={"enum": list(LEAD_STATES)})
    first_contact_due = fields.String(required=True, metadata=MOMENT)
    overdue = fields.Boolean(required=True, metadata={"description": "open and past its first-contact time"})


class LeadDetail(LeadRow):
    id_number = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)
    description = fields.String(required=True)
    handled_at = fields.String(required=True, allow_none=True, metadata=MOMENT)
    case = fields.Nested(CaseRef, required=True, allow_none=True)
    close_reason = fields.String(required=True, allow_none=True)
    photos = fields.List(fields.String(), required=True, metadata={"description": "addresses of the photos"})


class LeadList(Reply):
    count = fields.Integer(required=True)
    result = fields.List(fields.Nested(LeadRow), required=True)


class Outcome(Reply):
    case_number = fields.String(required=True, allow_none=True)
    case_state = fields.String(required=True, allow_none=True)
    close_reason = fields.String(required=True, allow_none=True)


class MyReport(Reply):
    """What a grid worker sees of their report: its number, what and when, and what became of it."""

    number = fields.String(required=True)
    reported_at = fields.String(required=True, metadata=MOMENT)
    category = fields.String(required=True)
    category_name = fields.String(required=True)
    severity = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(LEAD_STATES)})
    outcome = fields.Nested(Outcome, required=True)


class MyReports(Reply):
    count = fields.Integer(required=True)
    result = fields.List(fields.Nested(MyReport), required=True)


class LeadHandled(Reply):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(LEAD_STATES)})
    case = fields.Nested(CaseRef, required=True, allow_none=True)


SCHEMAS = (NewHousehold, AcceptBody, MergeBody, CloseBody, CaseRef, LeadRow, LeadDetail, LeadList, Outcome,
           MyReport, MyReports, LeadHandled)
