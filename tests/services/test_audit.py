"""全部留痕: every create, edit and transition leaves who, when, what, before and after; append-only."""
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.models import AuditEntry, CaseAdjustment
from app.services.audit import AppendOnly, acting
from app.services.intake import intake
from app.services.workflow import TransitionRefused, adjust, take
from tests.services.test_workflow import CASES, user
from tests.support import make_household


@pytest.fixture()
def approved(app, session, rules):
    household = make_household(session, "370811")
    aid = intake(session, household, CASES[0]["figures"], user(app, "township_caseworker_370811"), rules)
    take(session, aid, "accept", user(app, "township_caseworker_370811"), {}, rules)
    take(session, aid, "investigate", user(app, "township_caseworker_370811"), {"note": "调查"}, rules)
    take(session, aid, "review", user(app, "township_approver_370811"), {"note": "审核"}, rules)
    take(session, aid, "approve", user(app, "township_approver_370811"), {"amount": "1500"}, rules)
    return aid


def trail(session, aid):
    return session.scalars(select(AuditEntry).where(AuditEntry.case_id == aid.id).order_by(AuditEntry.id)).all()


def test_every_step_is_in_the_trail(app, session, approved):
    entries = trail(session, approved)
    assert [e.action for e in entries] == ["intake", "accept", "investigate", "review", "approve"]
    approve = entries[-1]
    assert approve.user_id == user(app, "township_approver_370811").id
    assert approve.before["state"] == "reviewed" and approve.after["state"] == "approved"
    assert approve.after["approved_amount"] == "1500.00"
    assert entries[2].note == "调查"
    assert all(e.at is not None for e in entries)


def test_household_edits_are_recorded(app, session):
    household = make_household(session, "370811")
    with acting(session, user(app, "township_caseworker_370811").id):
        household.size = 5
        session.flush()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.target == "household",
                                                     AuditEntry.target_id == household.id)
                            .order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.before, entry.after) == ("edit", {"size": 3}, {"size": 5})


def test_trail_cannot_be_rewritten(session, approved):
    entry = trail(session, approved)[0]
    entry.note = "rewritten"
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()


def test_database_refuses_to_rewrite_the_trail(session, approved):
    entry_id = trail(session, approved)[0].id
    with pytest.raises(DBAPIError):
        with session.begin_nested():
            session.execute(text("UPDATE audit_entry SET note = 'x' WHERE id = :id"), {"id": entry_id})
    with pytest.raises(DBAPIError):
        with session.begin_nested():
            session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entry_id})


def test_a_decided_amount_is_not_edited(session, approved):
    approved.approved_amount = Decimal("1999")
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()


def test_a_decided_amount_is_corrected_by_a_recorded_adjustment(app, session, approved):
    approver = user(app, "township_approver_370811")
    with pytest.raises(TransitionRefused):
        adjust(session, approved, "1600", "", approver)
    adjustment = adjust(session, approved, "1600", "发票复核后更正", approver)
    assert approved.approved_amount == Decimal("1600")
    assert (adjustment.before, adjustment.after, adjustment.reason) == ("1500.00", "1600.00", "发票复核后更正")
    last = trail(session, approved)[-1]
    assert last.action == "adjust" and last.note == "发票复核后更正"
    assert session.scalar(select(CaseAdjustment).where(CaseAdjustment.case_id == approved.id)) is adjustment


def test_decided_case_keeps_its_verdict(app, session, approved, rules):
    from app.services.workflow import reevaluate

    with pytest.raises(TransitionRefused) as refused:
        reevaluate(session, approved, user(app, "township_caseworker_370811"), rules)
    assert refused.value.code == "decided"
