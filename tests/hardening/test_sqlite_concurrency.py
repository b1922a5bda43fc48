"""Issue #19: concurrent writes on the SQLite demo server. Threads post at the same moment to an app on its
own SQLite file (as ``python run.py`` serves): writers wait for each other (WAL, busy timeout), a lost race
answers 409 in words — never a 500 "database is locked" — and the data add up."""
from __future__ import annotations

import os
import threading
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.support import DEMO_PASSWORD_ENV, fresh_id_number, migrated_app

THREADS = 10


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A second app, like the demo server: a migrated SQLite file of its own."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    application = migrated_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True,
                                "RATELIMIT_ENABLED": False, "PROPAGATE_EXCEPTIONS": False})
    return application


def _bearer(app, username: str) -> dict:
    answer = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db"})
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def _at_once(app, requests: list) -> list:
    """Post every ``(url, json, headers)`` from its own thread, all released at the same moment."""
    start, answers = threading.Barrier(len(requests)), [None] * len(requests)

    def post(i, url, body, headers):
        client = app.test_client()
        start.wait()
        answer = client.post(url, json=body, headers=headers)
        answers[i] = (answer.status_code, answer.get_json())

    threads = [threading.Thread(target=post, args=(i, *r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _no_server_error(answers: list) -> Counter:
    statuses = Counter(status for status, _ in answers)
    assert all(status < 500 for status in statuses), answers
    for status, body in answers:
        if status == 409:
            assert body["error"]["code"] == "busy" and "database" not in body["error"]["message"].lower()
    return statuses


def _home_town(app):
    from app.models import Region
    from app.services.users import home_region

    with app.app_context():
        county = app.appbuilder.session.scalar(select(Region).where(Region.code == "370811"))
        return home_region("township", county).id


def test_parallel_household_creations(demo):
    from app.models import Household

    town, caseworker = _home_town(demo), _bearer(demo, "township_caseworker_370811")
    numbers = [fresh_id_number() for _ in range(THREADS)]
    answers = _at_once(demo, [("/api/v1/household/", {"head_name": "并发户", "id_number": n, "township": town,
                                                      "area": "urban", "residency": "local_hukou", "size": 1},
                               caseworker) for n in numbers])
    statuses = _no_server_error(answers)
    with demo.app_context():
        saved = demo.appbuilder.session.scalar(select(func.count()).select_from(Household)
                                               .where(Household.id_number.in_(numbers)))
    assert saved == statuses[201] == THREADS  # every writer waited its turn
    print(f"sqlite households: {dict(statuses)}")


def test_parallel_reserve_fund_allocations_add_up(demo):
    from app.models import ReserveFund

    town, finance = _home_town(demo), _bearer(demo, "finance_officer_370811")
    first = _at_once(demo, [("/api/v1/reservefund/allocate", {"township_id": town, "kind": "allocation_county",
                                                              "amount": "1000", "reason": "开户"}, finance)])
    assert first[0][0] == 201, first
    answers = _at_once(demo, [("/api/v1/reservefund/allocate", {"township_id": town, "kind": "allocation_own",
                                                                "amount": "100", "reason": "并发拨付"}, finance)
                              for _ in range(THREADS)])
    statuses = _no_server_error(answers)
    with demo.app_context():
        fund = demo.appbuilder.session.scalar(select(ReserveFund).where(ReserveFund.township_id == town))
        assert Decimal(str(fund.balance)) == Decimal("1000") + 100 * statuses[201]
    assert statuses[201] == THREADS
    print(f"sqlite reserve fund allocations: {dict(statuses)}")


def test_parallel_payments_on_one_case_never_pay_more_than_approved(demo):
    from app.models import Payment
    from app.services.rules import current_rules
    from tests.payment_support import approved_case

    with demo.app_context():
        session = demo.appbuilder.session
        case_id = approved_case(demo, session, current_rules(), "1800").id
        session.commit()
    caseworker = _bearer(demo, "township_caseworker_370811")
    answers = _at_once(demo, [("/api/v1/payment/record", {"case_id": case_id, "method": "cash", "amount": "300",
                                                          "paid_on": "2026-11-20"}, caseworker)
                              for _ in range(8)])
    statuses = _no_server_error(answers)
    with demo.app_context():
        paid = demo.appbuilder.session.scalars(select(Payment.amount).where(Payment.case_id == case_id)).all()
    assert len(paid) == statuses[201] == 6 and sum(Decimal(str(p)) for p in paid) == Decimal("1800")
    assert statuses[400] == 2  # refused in words: above the approved amount
    print(f"sqlite payments on one case: {dict(statuses)}")


def test_a_write_that_waited_too_long_is_a_worded_409(demo, monkeypatch):
    """Another process holds the write lock past the busy timeout: 409 in words, nothing saved, no 500."""
    import sqlite3

    from app import extensions
    from app.models import Household

    monkeypatch.setattr(extensions, "SQLITE_BUSY_TIMEOUT_MS", 200)
    with demo.app_context():
        extensions.db.engine.dispose()  # new connections take the short timeout
        path = extensions.db.engine.url.database
    town, caseworker = _home_town(demo), _bearer(demo, "township_caseworker_370811")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        number = fresh_id_number()
        answers = _at_once(demo, [("/api/v1/household/", {"head_name": "等待户", "id_number": number,
                                                          "township": town, "area": "urban",
                                                          "residency": "local_hukou", "size": 1}, caseworker)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        with demo.app_context():
            extensions.db.engine.dispose()
    assert answers[0][0] == 409, answers
    assert answers[0][1]["error"]["code"] == "busy"
    with demo.app_context():
        assert demo.appbuilder.session.scalar(select(func.count()).select_from(Household)
                                              .where(Household.id_number == number)) == 0
