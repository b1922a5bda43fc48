"""Accountability records (责任追究和容错纠错): only for a clock that ran over or a decision corrected;
every field checked, nothing saved on a refusal; the dashboard counts them; the case trail shows them."""
from __future__ import annotations


import pytest
from sqlalchemy import func, select

from app.models import CaseAdjustment
from app.models.accountability import AccountabilityRecord
from app.services.accountability import AccountabilityRefused, overrun_clocks, record
from tests.payment_support import user
from tests.reports.builder import build, load, moment

TABLE = load()
NOW = moment(TABLE["now"])


@pytest.fixture()
def month(app, session):
    return build(session, user(app, "township_caseworker_370811"), TABLE)


def _count(session):
    return session.scalar(select(func.count(AccountabilityRecord.id)))


def test_only_the_clocks_that_ran_over_can_be_recorded(session, month):
    cases = month["cases"]
    assert [c.name for c in overrun_clocks(session, cases["C"].id, NOW)] == ["registration_due"]
    assert [c.name for c in overrun_clocks(session, cases["D"].id, NOW)] == ["pre_assist_due"], "one second late"
    assert overrun_clocks(session, cases["A"].id, NOW) == []


@pytest.mark.parametrize("subject, cause, note, clock, field", [
    ("overdue", "objective", "说明", "decision_due", "clock"),      # A decided in time
    ("overdue", "careless", "说明", "registration_due", "cause"),
    ("overdue", "objective", "   ", "registration_due", "note"),
    ("overdue", "objective", "长" * 1001, "registration_due", "note"),
    ("late", "objective", "说明", "registration_due", "subject"),
    ("corrected", "objective", "说明", None, "adjustment"),          # no correction on the case
])
def test_a_wrong_record_is_refused_at_its_field_and_nothing_is_saved(app, session, month, subject, cause, note,
                                                                     clock, field):
    case = month["cases"]["C" if clock != "decision_due" else "A"]
    before = _count(session)
    with pytest.raises(AccountabilityRefused) as refused:
        record(session, case, user(app, "supervisor_370811"), subject, cause, note, clock=clock, now=NOW)
    assert refused.value.field == field
    assert _count(session) == before


def test_another_countys_supervisor_is_refused(app, session, month):
    with pytest.raises(AccountabilityRefused) as refused:
        record(session, month["cases"]["C"], user(app, "supervisor_370881"), "overdue", "objective", "说明",
               clock="registration_due", now=NOW)
    assert refused.value.field is None


def test_a_corrected_decision_is_recorded_and_shown_in_the_trail(app, session, month, login_as):
    case = month["cases"]["A"]
    supervisor = user(app, "supervisor_370811")
    adjustment = CaseAdjustment(case_id=case.id, field="approved_amount", before="1800.00", after="1500.00",
                                reason="复核纠正", user_id=user(app, "township_approver_370811").id)
    session.add(adjustment)
    session.flush()
    row = record(session, case, supervisor, "corrected", "innovation", "先行先试，按新办法测算", adjustment_id=adjustment.id,
                 now=NOW)
    assert row.subject == "corrected" and row.clock is None and row.township_id == case.township_id
    session.commit()
    page = login_as("county_reviewer_370811").get(f"/caseview/show/{case.id}").get_data(as_text=True)
    trail = page.split('id="trail"')[1]
    assert "先行先试，按新办法测算" in trail
    assert "探索创新、先行先试" in trail and ">innovation" not in trail and "：innovation" not in trail, \
        "the cause is written in words, never its code"


def test_the_form_records_an_overdue_clock(app, session, month, login_as):
    from tests.conftest import csrf_token

    session.commit()
    case = month["cases"]["C"]
    client = login_as("supervisor_370811")
    form = client.get(f"/accountability/record/{case.id}")
    assert form.status_code == 200
    refused = client.post(f"/accountability/record/{case.id}",
                          data={"about": "clock:registration_due", "cause": "", "note": "x",
                                "csrf_token": csrf_token(app, client)})
    assert refused.status_code == 400
    done = client.post(f"/accountability/record/{case.id}",
                       data={"about": "clock:registration_due", "cause": "deliberate", "note": "拖延未登记",
                             "csrf_token": csrf_token(app, client)})
    assert done.status_code == 302
    assert session.scalar(select(AccountabilityRecord.cause).where(AccountabilityRecord.case_id == case.id)) \
        == "deliberate"
    assert login_as("township_caseworker_370811").get(f"/accountability/record/{case.id}").status_code in (302, 403)
