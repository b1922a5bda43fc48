"""Races on PostgreSQL, with real commits from two threads: of two charities claiming one referral at the
same moment exactly one wins; two aids drawing on one project never take it below zero."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import AidRecord, AuditEntry, Case, CharityProject, Household, Referral, TempaidUser
from app.services.referrals import ReferralRefused, claim, record_aid, refer
from tests.charity_support import charity_staff, make_case, make_project, user

pytestmark = pytest.mark.commits
ROUNDS = 8
HOLD = 0.05  # seconds the winner keeps its transaction open after its UPDATE


@pytest.fixture()
def postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer at a time: the race is only real on PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture()
def committed(app, postgres, rules):
    """Two charities with city-wide illness projects and ROUNDS open referrals, committed; removed after."""
    made = {"cases": [], "households": [], "projects": [], "referrals": []}
    with app.app_context():
        session = db.session
        try:
            for county in ("370811", "370881"):
                project = make_project(session, charity_staff(app, county).charity, f"并发测试{county}", "1000",
                                       ("illness",), ("370800",))
                made["projects"].append(project.id)
            for _ in range(ROUNDS):
                case = make_case(app, session, rules, approved=False, head_name="并发户")
                referral = refer(session, case, user(app, "township_caseworker_370811"), "并发", gap_money="100")
                made["cases"].append(case.id)
                made["households"].append(case.household_id)
                made["referrals"].append(referral.id)
            session.commit()
        finally:
            session.remove()
    yield made
    with app.app_context():  # audit entries stay: they are append-only, in the database too
        session = db.session
        session.execute(delete(AidRecord).where(AidRecord.referral_id.in_(made["referrals"])))
        session.execute(delete(Referral).where(Referral.id.in_(made["referrals"])))
        session.execute(delete(Case.__table__).where(Case.id.in_(made["cases"])))
        session.execute(delete(Household.__table__).where(Household.id.in_(made["households"])))
        for project in session.scalars(select(CharityProject).where(CharityProject.id.in_(made["projects"]))):
            session.delete(project)
        session.commit()
        session.remove()


def _in_thread(app, barrier, outcomes, key, work, waited=None):
    """Run ``work(session)`` in its own app context and session, all threads released at once; the time a
    refused thread spent in its action goes to ``waited``."""
    waited = {} if waited is None else waited
    def run():
        with app.app_context():
            session = db.session
            started = None
            try:
                prepared = work(session)
                barrier.wait()
                started = time.monotonic()
                prepared()
                time.sleep(HOLD)  # hold the row lock a moment: the other UPDATE has to wait for it
                session.commit()
                outcomes[key] = "won"
            except ReferralRefused as exc:
                session.rollback()
                outcomes[key] = exc.code
                waited[key] = time.monotonic() - started
            finally:
                session.remove()

    return threading.Thread(target=run)


def _staff(session, county):
    return session.scalar(select(TempaidUser).where(TempaidUser.username == f"charity_staff_{county}"))


def test_two_charities_claim_at_once_exactly_one_wins(app, committed):
    winners, blocked = [], 0
    for referral_id in committed["referrals"]:
        barrier, outcomes, waited = threading.Barrier(2), {}, {}

        def claimant(county, referral_id=referral_id):
            def work(session):
                staff, referral = _staff(session, county), session.get(Referral, referral_id)
                return lambda: claim(session, referral, staff)
            return work

        threads = [_in_thread(app, barrier, outcomes, county, claimant(county), waited)
                   for county in ("370811", "370881")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes.values()) == ["already_claimed", "won"], outcomes
        winners.append(next(county for county, outcome in outcomes.items() if outcome == "won"))
        blocked += any(seconds >= HOLD * 0.8 for seconds in waited.values())  # the loser queued on the row lock
        with app.app_context():
            session = db.session
            referral = session.get(Referral, referral_id)
            assert referral.state == "claimed"
            assert referral.claimed_by_charity_id == _staff(session, winners[-1]).charity_id
            claims = session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.target == "referral", AuditEntry.target_id == referral_id, AuditEntry.action == "claim"))
            assert claims == 1
            session.remove()
    print(f"claim race: {ROUNDS} rounds, winners {winners}, loser blocked on the winner's lock in {blocked}")
    assert blocked, "the two claims never overlapped: the test did not race"


def test_two_aids_on_one_project_never_overdraw(app, committed):
    first, second = committed["referrals"][:2]
    with app.app_context():
        session = db.session
        staff = _staff(session, "370811")
        for referral_id in (first, second):
            claim(session, session.get(Referral, referral_id), staff)
        session.commit()
        project_id = session.scalar(select(CharityProject.id).where(
            CharityProject.id.in_(committed["projects"]), CharityProject.charity_id == staff.charity_id))
        session.remove()
    barrier, outcomes = threading.Barrier(2), {}

    def giver(referral_id):
        def work(session):
            staff, referral = _staff(session, "370811"), session.get(Referral, referral_id)
            project = session.get(CharityProject, project_id)
            return lambda: record_aid(session, referral, staff, project, "money", "600")
        return work

    threads = [_in_thread(app, barrier, outcomes, rid, giver(rid)) for rid in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["budget_exceeded", "won"], outcomes
    with app.app_context():
        session = db.session
        assert session.get(CharityProject, project_id).remaining == Decimal("400.00")
        assert session.scalar(select(func.count()).select_from(AidRecord).where(
            AidRecord.project_id == project_id)) == 1
        session.remove()
