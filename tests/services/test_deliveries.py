"""Delivery (送达) of decisions and the clock of undelivered ones: each way of delivery asks for its own
proof, nothing is half-saved, the acknowledgement is recorded once; a decision with no delivery shows in
the list from the day after the county's ``documents.delivery_days`` (Jining 10), in the county's scope
only, and leaves it once delivered."""
from __future__ import annotations

import datetime as dt

import pytest

from app.services.deliveries import DeliveryRefused, acknowledge, record_delivery, undelivered
from tests.documents_support import approved, quick, refused_by_check
from tests.payment_support import NOW, user

DECIDED = NOW.date()  # every case here is decided at NOW (27 November 2026, China time)


def _at(days: int) -> dt.datetime:
    return NOW + dt.timedelta(days=days)


@pytest.mark.parametrize("method, extra, code", [
    ("in_person", {}, "signature_required"),
    ("post", {}, "field_required:reference"),
    ("message", {"reference": "  "}, "field_required:reference"),
    ("pigeon", {"reference": "x"}, "delivery_method_invalid"),
    ("post", {"reference": "EMS1", "recipient": " "}, "field_required:recipient"),
    ("post", {"reference": "EMS1", "delivered_on": "2026-11-01"}, "date_invalid"),  # before the decision
    ("post", {"reference": "EMS1", "delivered_on": "2026-12-31"}, "date_invalid"),  # after today
    ("post", {"reference": "EMS1", "delivered_on": "27/11/2026"}, "field_required:delivered_on"),
])
def test_each_way_of_delivery_needs_its_proof(app, session, rules, method, extra, code):
    case = refused_by_check(app, session, rules)
    fields = {"delivered_on": "2026-11-28", "recipient": "李四", **extra}
    with pytest.raises(DeliveryRefused) as caught:
        record_delivery(session, case, user(app, "township_caseworker_370811"), "refusal", method,
                        fields["delivered_on"], fields["recipient"], reference=fields.get("reference"), now=_at(2))
    assert caught.value.code == code


def test_a_delivery_and_its_acknowledgement_are_recorded_once(app, session, rules):
    case = approved(app, session, rules)
    caseworker = user(app, "township_caseworker_370811")
    delivery = record_delivery(session, case, caseworker, "approval", "in_person", "2026-11-28", "张三丰",
                               signed=True, now=_at(2))
    assert (delivery.signed, delivery.delivered_on, delivery.acknowledged_on) == (True, dt.date(2026, 11, 28), None)
    acknowledge(session, delivery, caseworker, "2026-11-29", "本人签收", now=_at(3))
    assert (delivery.acknowledged_on, delivery.acknowledgement) == (dt.date(2026, 11, 29), "本人签收")
    with pytest.raises(DeliveryRefused) as caught:
        acknowledge(session, delivery, caseworker, "2026-11-29", now=_at(3))
    assert caught.value.code == "acknowledged"
    with pytest.raises(DeliveryRefused) as caught:
        record_delivery(session, case, user(app, "township_caseworker_370881"), "approval", "in_person",
                        "2026-11-28", "张三丰", signed=True, now=_at(2))
    assert caught.value.code == "scope"


def test_an_undelivered_decision_is_due_after_the_countys_days(app, session, rules):
    refused, quick_case = refused_by_check(app, session, rules), quick(app, session, rules)
    reviewer = user(app, "county_reviewer_370811")

    def listed(days):
        count, cases = undelivered(session, reviewer, rules, now=_at(days))
        return count, {c.number for c in cases}

    # decided on the 27th: on the 10th day after it is still in time, from the 11th it is due
    assert listed(10) == (0, set())
    assert listed(11) == (2, {refused.number, quick_case.number})
    # the township's own staff see it too; another county does not
    assert undelivered(session, user(app, "township_caseworker_370811"), rules, now=_at(11))[0] == 2
    assert undelivered(session, user(app, "county_reviewer_370881"), rules, now=_at(11))[0] == 0
    # a delivered refusal leaves the list; a payment notice is not the decision: the quick case stays
    record_delivery(session, refused, reviewer, "refusal", "message", "2026-12-01", "李四",
                    reference="13900001234", now=_at(11))
    record_delivery(session, quick_case, reviewer, "payment", "post", "2026-12-01", "孙七", reference="EMS9",
                    stage=1, now=_at(11))
    assert listed(11) == (1, {quick_case.number})


def test_a_county_without_the_key_keeps_no_clock(app, session, rules, monkeypatch):
    case = refused_by_check(app, session, rules)
    county = rules.county("370811")
    params = dict(county.params(DECIDED))
    params.pop("documents.delivery_days")
    monkeypatch.setattr(county, "params", lambda day: params)
    assert undelivered(session, user(app, "county_reviewer_370811"), rules, now=_at(60)) == (0, [])
    assert case.decided_at is not None
