"""Reversals racing on PostgreSQL, with real commits from two threads: a bank batch made while a transfer is
being reversed does not send it; two officers reversing one payment at once record one reversal."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Case, Household, Payment, PaymentBatch, Region, TempaidUser
from app.services.batches import BatchRefused, create_batch
from app.services.payments import PaymentRefused, record_payment
from app.services.reversals import reverse_payment
from tests.payment_support import NOW, approved_case

pytestmark = pytest.mark.commits
HOLD = 0.3  # seconds the reversal keeps its row locks after recording: the batch's UPDATE waits for them


@pytest.fixture()
def postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer at a time: the race is only real on PostgreSQL (TEST_DATABASE_URL)")


@pytest.fixture()
def transfer(app, postgres, rules):
    """An approved case paid in full by one unsent bank transfer, committed; removed afterwards."""
    with app.app_context():
        session = db.session
        case = approved_case(app, session, rules, "800", head_name="并发户")
        finance = session.scalar(select(TempaidUser).where(TempaidUser.username == "finance_officer_370811"))
        payment = record_payment(session, case, finance, "bank_transfer", "800", rules, now=NOW).payment
        session.commit()
        made = {"case": case.id, "household": case.household_id, "payment": payment.id,
                "township": case.township_id}
        session.remove()
    yield made
    with app.app_context():  # audit entries stay: they are append-only, in the database too
        session = db.session
        batches = session.scalars(select(Payment.batch_id).where(Payment.case_id == made["case"],
                                                                 Payment.batch_id.is_not(None))).all()
        session.execute(delete(Payment.__table__).where(Payment.case_id == made["case"],
                                                        Payment.reverses_id.is_not(None)))
        session.execute(delete(Payment.__table__).where(Payment.case_id == made["case"]))
        session.execute(delete(PaymentBatch.__table__).where(PaymentBatch.id.in_(batches)))
        session.execute(delete(Case.__table__).where(Case.id == made["case"]))
        session.execute(delete(Household.__table__).where(Household.id == made["household"]))
        session.commit()
        session.remove()


def _user(session, username):
    return session.scalar(select(TempaidUser).where(TempaidUser.username == username))


def _threads(app, works: dict) -> dict:
    """Run each ``works[key](session)`` in its own thread, connection and app context; commit what
    returns, roll back what is refused. ``{key: "done" | refusal code | repr(error)}``."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=len(works), max_overflow=0)
    outcomes = {}

    def run(key, work):
        with app.app_context(), Session(engine) as session:
            try:
                work(session)
                session.commit()
                outcomes[key] = "done"
            except (PaymentRefused, BatchRefused) as exc:
                session.rollback()
                outcomes[key] = exc.code
            except Exception as exc:  # noqa: BLE001 — reported by the test, never lost in a thread
                session.rollback()
                outcomes[key] = repr(exc)

    threads = [threading.Thread(target=run, args=item) for item in works.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    engine.dispose()
    return outcomes


def test_a_batch_made_while_the_transfer_is_reversed_does_not_send_it(app, transfer, rules):
    locked = threading.Event()

    def reverser(session):
        payment = session.get(Payment, transfer["payment"])
        reverse_payment(session, payment, _user(session, "finance_officer_370811"), "账号有误", rules, now=NOW)
        locked.set()  # the case and the transfer are locked until this transaction ends
        time.sleep(HOLD)

    def batcher(session):
        assert locked.wait(timeout=30)
        create_batch(session, _user(session, "finance_officer_370811"), None,
                     township=session.get(Region, transfer["township"]))

    started = time.monotonic()
    outcomes = _threads(app, {"reverse": reverser, "batch": batcher})
    assert outcomes == {"reverse": "done", "batch": "nothing_to_batch"}, outcomes
    assert time.monotonic() - started >= HOLD
    with app.app_context():
        session = db.session
        assert session.get(Payment, transfer["payment"]).batch_id is None
        assert session.scalar(select(Payment.amount).where(Payment.reverses_id == transfer["payment"])) == -800
        session.remove()


def test_two_officers_reversing_one_payment_record_one_reversal(app, transfer, rules):
    barrier = threading.Barrier(2, timeout=30)

    def reverser(username):
        def work(session):
            payment = session.get(Payment, transfer["payment"])
            who = _user(session, username)
            barrier.wait()
            reverse_payment(session, payment, who, "银行退回", rules, now=NOW)
            time.sleep(0.05)
        return work

    outcomes = _threads(app, {"finance": reverser("finance_officer_370811"),
                              "caseworker": reverser("township_caseworker_370811")})
    assert sorted(outcomes.values()) == ["already_reversed", "done"], outcomes
    with app.app_context():
        session = db.session
        assert len(session.scalars(select(Payment.id).where(Payment.reverses_id == transfer["payment"])).all()) == 1
        assert session.get(Case, transfer["case"]).state == "approved"
        session.remove()


def test_a_reversal_meant_for_an_unsent_transfer_never_undoes_one_a_batch_took_meanwhile(app, transfer, rules):
    locked = threading.Event()
    seen = {}

    def batcher(session):
        create_batch(session, _user(session, "finance_officer_370811"), None,
                     township=session.get(Region, transfer["township"]))
        locked.set()  # the transfer is in the batch, its row locked until this transaction ends
        time.sleep(HOLD)

    def reverser(session):
        assert locked.wait(timeout=30)
        payment = session.get(Payment, transfer["payment"])
        seen["batch_id"] = payment.batch_id  # the officer's form showed an unsent transfer
        reverse_payment(session, payment, _user(session, "finance_officer_370811"), "账号有误，未发送前撤销", rules,
                        now=NOW)

    outcomes = _threads(app, {"batch": batcher, "reverse": reverser})
    assert outcomes == {"batch": "done", "reverse": "sent_to_bank"}, outcomes
    assert seen == {"batch_id": None}
    with app.app_context():
        session = db.session
        assert session.get(Payment, transfer["payment"]).batch_id is not None
        assert session.scalar(select(Payment.id).where(Payment.reverses_id == transfer["payment"])) is None
        assert session.get(Case, transfer["case"]).state == "paid"
        session.remove()


def test_mark_paid_pressed_while_a_payment_is_reversed_never_leaves_the_case_paid_short(app, transfer, rules):
    from app.services.workflow import TransitionRefused, take

    with app.app_context():  # the case paid in full by hand-recorded stages, then back to approved
        session = db.session
        case = session.get(Case, transfer["case"])
        first = session.get(Payment, transfer["payment"])
        finance = _user(session, "finance_officer_370811")
        reverse_payment(session, first, finance, "改为分两笔发放", rules, now=NOW)
        record_payment(session, case, finance, "cash", "500", rules, now=NOW)
        second = record_payment(session, case, finance, "cash", "300", rules, now=NOW).payment
        session.commit()
        assert case.state == "paid"
        case.state = "approved"  # as if the last stage had not yet moved it (an emergency before registration)
        session.commit()
        second_id = second.id
        session.remove()
    locked = threading.Event()

    def reverser(session):
        payment = session.get(Payment, second_id)
        reverse_payment(session, payment, _user(session, "finance_officer_370811"), "重复录入", rules, now=NOW)
        locked.set()
        time.sleep(HOLD)

    def marker(session):
        assert locked.wait(timeout=30)
        case = session.get(Case, transfer["case"])
        try:
            take(session, case, "pay", _user(session, "township_caseworker_370811"), {"date": "2026-11-27"}, rules,
                 now=NOW)
        except TransitionRefused as exc:
            raise PaymentRefused(exc.code, exc.message) from None

    outcomes = _threads(app, {"reverse": reverser, "pay": marker})
    assert outcomes == {"reverse": "done", "pay": "not_paid_in_full"}, outcomes
    with app.app_context():
        session = db.session
        case = session.get(Case, transfer["case"])
        paid = session.scalar(select(func.sum(Payment.amount)).where(Payment.case_id == case.id))
        assert (case.state, paid) == ("approved", 500)
        session.remove()
