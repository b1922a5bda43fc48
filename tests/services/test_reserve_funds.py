"""Township reserve funds (备用金): allocations in, draws out, returns; every movement with who and why; the
balance never below zero — also when twenty payments draw at the same moment (PostgreSQL, real threads)."""
from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, delete, func, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import AuditEntry, Case, FundMovement, Household, Payment, ReserveFund, TempaidUser
from app.services.audit import AppendOnly
from app.services.payments import PaymentRefused, record_payment
from app.services.reserve_funds import FundRefused, allocate, draw, low_balance_level, reconcile, standing
from tests.payment_support import NOW, emergency_case, region, user



@pytest.fixture()
def town(app, session):
    return user(app, "township_caseworker_370811").region


def test_allocations_draws_and_returns_add_up_to_the_balance(app, session, finance, town):
    own = allocate(session, town, "allocation_own", "3000", "乡镇本级筹集", finance)
    fund = own.fund
    county = allocate(session, town, "allocation_county", "7000.50", "县级拨付临时救助资金", finance)
    taken = draw(session, fund, "1200", "火灾先行救助", finance)
    back = allocate(session, town, "return", "200", "未发放完毕的现金退回", finance)
    assert [(m.kind, m.amount, m.balance_after) for m in (own, county, taken, back)] == [
        ("allocation_own", Decimal("3000.00"), Decimal("3000.00")),
        ("allocation_county", Decimal("7000.50"), Decimal("10000.50")),
        ("draw", Decimal("-1200.00"), Decimal("8800.50")),
        ("return", Decimal("200.00"), Decimal("9000.50")),
    ]
    assert all(m.user_id == finance.id and m.reason for m in (own, county, taken, back))
    assert reconcile(session, fund.id) == (Decimal("9000.50"), Decimal("9000.50"))
    assert session.scalar(select(func.count()).select_from(ReserveFund).where(ReserveFund.township_id == town.id)) == 1
    # each movement is on the audit trail under its kind
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.target == "fund_movement",
                                                              AuditEntry.target_id.in_([own.id, taken.id]))).all()
    assert sorted(actions) == ["allocation_own", "draw"]


def test_a_draw_never_takes_the_balance_below_zero(app, session, finance, town):
    fund = allocate(session, town, "allocation_county", "1000", "拨付", finance).fund
    with pytest.raises(FundRefused) as caught:
        draw(session, fund, "1000.01", "超额", finance)
    assert caught.value.code == "insufficient_funds"
    assert reconcile(session, fund.id) == (Decimal("1000.00"), Decimal("1000.00"))
    assert draw(session, fund, "1000", "全部支取", finance).balance_after == Decimal("0.00")
    with pytest.raises(FundRefused):
        draw(session, fund, "0.01", "再取", finance)


@pytest.mark.parametrize("kind, amount, reason, code", [
    ("draw", "100", "拨付", "kind_invalid"),  # a draw pays a payment; it is not an allocation
    ("allocation_county", "0", "拨付", "amount_invalid"),
    ("allocation_county", "-100", "拨付", "amount_invalid"),
    ("allocation_county", "100.001", "拨付", "amount_invalid"),
    ("allocation_county", "100", "  ", "field_required:reason"),
])
def test_what_an_allocation_must_say(app, session, finance, town, kind, amount, reason, code):
    with pytest.raises(FundRefused) as caught:
        allocate(session, town, kind, amount, reason, finance)
    assert caught.value.code == code


def test_allocations_stay_in_the_jurisdiction(app, session, town):
    other_county_town = region(session, "370881001")
    with pytest.raises(FundRefused) as caught:
        allocate(session, other_county_town, "allocation_county", "100", "拨付", user(app, "finance_officer_370811"))
    assert caught.value.code == "scope"
    with pytest.raises(FundRefused) as caught:
        allocate(session, region(session, "370811"), "allocation_county", "100", "拨付",
                 user(app, "finance_officer_370811"))
    assert caught.value.code == "township_invalid"  # funds are kept by townships, not by the county
    allocate(session, region(session, "370811102"), "allocation_county", "100", "拨付",
             user(app, "finance_officer_370811"))  # another township of the same county: allowed


def test_the_low_balance_level_is_the_countys(app, session, rules, finance, town):
    level = low_balance_level(rules, "370811", NOW.date())
    assert level == Decimal(str(rules.effective("370811", NOW.date())["reserve_fund"]["low_balance"]["value"]))
    fund = allocate(session, town, "allocation_county", str(level), "拨付", finance).fund
    assert not standing(rules, fund, NOW.date()).low  # at the level: not yet low
    draw(session, fund, "0.01", "支取", finance)
    assert standing(rules, fund, NOW.date()).low
    assert low_balance_level(rules, "999999", NOW.date()) is None  # a county without rules warns of nothing


def test_the_balance_changes_only_by_a_movement(app, session, finance, town):
    fund = allocate(session, town, "allocation_county", "100", "拨付", finance).fund
    session.commit()
    fund.balance = Decimal("1000000")
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()
    movement = session.scalar(select(FundMovement).where(FundMovement.fund_id == fund.id))
    session.delete(movement)
    with pytest.raises(AppendOnly):
        session.flush()


# -- concurrency on PostgreSQL -------------------------------------------------------------------------------

THREADS = 20
HOLD = 0.02  # seconds a thread keeps its transaction open after drawing: the others queue on the row lock


@pytest.fixture()
def postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer at a time: concurrent draws are only a race on PostgreSQL "
                    "(set TEST_DATABASE_URL)")


@pytest.fixture()
def committed_fund(app, postgres):
    """A township fund of 1000.00 committed for real, removed afterwards with what the test made."""
    with app.app_context():
        session = db.session
        town = user(app, "township_caseworker_370811").region  # where the emergency cases live
        fund = allocate(session, town, "allocation_county", "1000", "并发测试拨付", user(app, "finance_officer_370811"))
        session.commit()
        fund_id = fund.fund_id
        session.remove()
    yield fund_id
    with app.app_context():  # audit entries stay: they are append-only, in the database too
        session = db.session
        case_ids = session.scalars(select(FundMovement.case_id).where(FundMovement.fund_id == fund_id,
                                                                      FundMovement.case_id.is_not(None))).all()
        households = session.scalars(select(Case.household_id).where(Case.id.in_(case_ids))).all()
        session.execute(delete(FundMovement.__table__).where(FundMovement.fund_id == fund_id))
        session.execute(delete(Payment.__table__).where(Payment.case_id.in_(case_ids)))
        session.execute(delete(ReserveFund.__table__).where(ReserveFund.id == fund_id))
        session.execute(delete(Case.__table__).where(Case.id.in_(case_ids)))
        session.execute(delete(Household.__table__).where(Household.id.in_(households)))
        session.commit()
        session.remove()


def _race(app, work, n: int) -> dict:
    """Run ``work(session, i)`` in ``n`` threads released together, each on its own connection (an engine
    whose pool holds them all) and committing or rolling back. Returns ``{i: "won" | refusal code}`` and,
    under ``"seconds"``, how long the race took."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], pool_size=n, max_overflow=0)
    barrier, outcomes = threading.Barrier(n, timeout=30), {}

    def run(i):
        with app.app_context(), Session(engine) as session:
            try:
                act = work(session, i)
                barrier.wait()
                act()
                time.sleep(HOLD)
                session.commit()
                outcomes[i] = "won"
            except (FundRefused, PaymentRefused) as exc:
                session.rollback()
                outcomes[i] = exc.code
            except Exception as exc:  # noqa: BLE001 — reported by the test, never lost in a thread
                session.rollback()
                outcomes[i] = repr(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    outcomes["seconds"] = time.monotonic() - started
    engine.dispose()
    return outcomes


def _user(session, username):
    return session.scalar(select(TempaidUser).where(TempaidUser.username == username))


@pytest.mark.commits
def test_twenty_concurrent_draws_never_overdraw(app, committed_fund):
    """20 threads draw 70.00 each from 1000.00 at the same moment: exactly 14 win (980.00), 6 are refused,
    the balance is 20.00 and equals the sum of the movements; it never went below zero."""
    def work(session, _i):
        fund = session.get(ReserveFund, committed_fund)
        finance = _user(session, "finance_officer_370811")
        return lambda: draw(session, fund, "70", "并发支取", finance)

    outcomes = _race(app, work, THREADS)
    seconds = outcomes.pop("seconds")
    results = sorted(outcomes.values())
    assert results.count("won") == 14 and results.count("insufficient_funds") == 6, results
    assert seconds >= 14 * HOLD, "the winners did not queue on the row lock one after another"
    with app.app_context():
        session = db.session
        assert reconcile(session, committed_fund) == (Decimal("20.00"), Decimal("20.00"))
        afters = session.scalars(select(FundMovement.balance_after).where(FundMovement.fund_id == committed_fund)
                                 .order_by(FundMovement.id)).all()
        assert min(afters) >= 0 and len(afters) == 15  # the allocation and 14 draws
        session.remove()
    print(f"reserve fund race: {THREADS} threads, 14 draws won, 6 refused, {seconds:.2f}s")


@pytest.mark.commits
def test_concurrent_emergency_payments_from_one_fund(app, committed_fund, rules):
    """Twelve emergency cases of 100.00 each pay from a fund of 1000.00 at once: ten are paid and ten draws
    recorded; two payments are refused with nothing recorded."""
    with app.app_context():
        session = db.session
        cases = [emergency_case(app, session, rules, "100", head_name="并发户").id for _ in range(12)]
        session.commit()
        session.remove()

    def work(session, i):
        case = session.get(Case, cases[i])
        caseworker = _user(session, "township_caseworker_370811")
        return lambda: record_payment(session, case, caseworker, "cash", "100", rules, paid_on="2026-11-20",
                                      from_reserve_fund=True, now=NOW)

    try:
        outcomes = _race(app, work, 12)
        outcomes.pop("seconds")
        assert sorted(outcomes.values()).count("won") == 10, outcomes
        assert sorted(outcomes.values()).count("insufficient_funds") == 2, outcomes
        with app.app_context():
            session = db.session
            assert reconcile(session, committed_fund) == (Decimal("0.00"), Decimal("0.00"))
            assert session.scalar(select(func.count(Payment.id)).where(Payment.case_id.in_(cases))) == 10
            session.remove()
    finally:
        with app.app_context():  # cases the fixture cannot see (refused: no movement points at them)
            session = db.session
            households = session.scalars(select(Case.household_id).where(Case.id.in_(cases))).all()
            session.execute(delete(FundMovement.__table__).where(FundMovement.case_id.in_(cases)))
            session.execute(delete(Payment.__table__).where(Payment.case_id.in_(cases)))
            session.execute(delete(Case.__table__).where(Case.id.in_(cases)))
            session.execute(delete(Household.__table__).where(Household.id.in_(households)))
            session.commit()
            session.remove()


@pytest.mark.commits
def test_concurrent_stages_on_one_case_never_pay_more_than_approved(app, postgres, rules):
    """Eight caseworkers record 300.00 on one case approved for 1800.00 at once: six stages are recorded,
    numbered 1–6, the case is paid, two are refused."""
    from tests.payment_support import approved_case

    with app.app_context():
        session = db.session
        case_id = approved_case(app, session, rules, "1800", head_name="并发户").id
        session.commit()
        session.remove()

    def work(session, _i):
        case = session.get(Case, case_id)
        caseworker = _user(session, "township_caseworker_370811")
        return lambda: record_payment(session, case, caseworker, "cash", "300", rules, now=NOW)

    try:
        outcomes = _race(app, work, 8)
        outcomes.pop("seconds")
        codes = sorted(outcomes.values())
        assert codes.count("won") == 6, codes
        assert set(codes) - {"won"} <= {"above_approved", "not_payable"}, codes
        with app.app_context():
            session = db.session
            stages = session.scalars(select(Payment.stage).where(Payment.case_id == case_id)
                                     .order_by(Payment.stage)).all()
            assert stages == [1, 2, 3, 4, 5, 6]
            assert session.get(Case, case_id).state == "paid"
            session.remove()
    finally:
        with app.app_context():
            session = db.session
            household = session.scalar(select(Case.household_id).where(Case.id == case_id))
            session.execute(delete(Payment.__table__).where(Payment.case_id == case_id))
            session.execute(delete(Case.__table__).where(Case.id == case_id))
            session.execute(delete(Household.__table__).where(Household.id == household))
            session.commit()
            session.remove()

