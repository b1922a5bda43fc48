"""Migration 0005 (payment reversals) on a SQLite database that already holds payments, one of them drawn
from a reserve fund: the payment table is copied with its new constraints while foreign keys stay
enforced, every row and every fund movement's link to its payment survive, and the new constraints hold.
Down and up again too."""
import os

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

ROWS = [
    "INSERT INTO region (id, code, name, level) VALUES (1, '370811', '任城区', 'county')",
    "INSERT INTO region (id, code, name, level, parent_id) VALUES (2, '370811001', '街道', 'township', 1)",
    ("INSERT INTO ab_user (id, first_name, last_name, username, email, active) "
     "VALUES (1, 'a', 'b', 'kept', 'kept@tempaid.invalid', 1)"),
    ("INSERT INTO household (id, id_number, head_name, township_id, county_id, area, residency, size, dibao, tekun) "
     "VALUES (1, '370811198001150011', '张三', 2, 1, 'urban', 'local_hukou', 3, 0, 0)"),
    ("INSERT INTO aid_case (id, number, household_id, county_id, township_id, kind, category, flow, state, "
     "application_date, inputs, verdict, rules_digest, eligible, deadlines, warnings, created_by_id, created_at) "
     "VALUES (1, 'C1', 1, 1, 2, 'emergency', 'incident:fire', 'emergency', 'paid', '2026-11-20', '{}', '{}', 'x', 1, "
     "'{}', '[]', 1, '2026-11-20 10:00:00')"),
    ("INSERT INTO payment (id, case_id, household_id, county_id, township_id, stage, method, amount, paid_on, "
     "paid_by_id, recorded_at) VALUES (1, 1, 1, 1, 2, 1, 'cash', 500, '2026-11-20', 1, '2026-11-20 10:00:00')"),
    ("INSERT INTO payment (id, case_id, household_id, county_id, township_id, stage, method, amount, paid_on, "
     "paid_by_id, recorded_at) VALUES (2, 1, 1, 1, 2, 2, 'bank_transfer', 300, '2026-11-21', 1, "
     "'2026-11-21 10:00:00')"),
    ("INSERT INTO reserve_fund (id, township_id, county_id, balance, created_at) "
     "VALUES (1, 2, 1, 500, '2026-11-19 10:00:00')"),
    ("INSERT INTO fund_movement (id, fund_id, county_id, township_id, kind, amount, balance_after, reason, user_id, at) "
     "VALUES (1, 1, 1, 2, 'allocation_county', 1000, 1000, 'in', 1, '2026-11-19 10:00:00')"),
    ("INSERT INTO fund_movement (id, fund_id, county_id, township_id, kind, amount, balance_after, reason, user_id, at, "
     "payment_id, case_id) VALUES (2, 1, 1, 2, 'draw', -500, 500, 'C1 #1', 1, '2026-11-20 10:00:00', 1, 1)"),
]
REVERSAL = ("INSERT INTO payment (id, case_id, household_id, county_id, township_id, stage, method, amount, paid_on, "
            "paid_by_id, recorded_at, note, reverses_id, batch_id) VALUES ({id}, 1, 1, 1, 2, {stage}, 'cash', {amount}, "
            "'2026-11-22', 1, '2026-11-22 10:00:00', 'twice', {reverses}, {batch})")


def _refused(engine, statement: str) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=ON"))
        conn.execute(text(statement))


def test_reversal_migration_keeps_payments_and_fund_links(tmp_path):
    from flask_migrate import downgrade, upgrade

    from app import create_app

    url = f"sqlite:///{tmp_path / 'reversals.db'}"
    os.environ.setdefault("TEMPAID_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SYNC_ROLES_ON_START": False})
    with app.app_context():
        upgrade(revision="0004")
        engine = create_engine(url)
        with engine.begin() as conn:
            for statement in ROWS:
                conn.execute(text(statement))
        upgrade(revision="heads")
        assert "reverses_id" in {c["name"] for c in inspect(engine).get_columns("payment")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, amount FROM payment ORDER BY id")).all() == [(1, 500), (2, 300)]
            assert conn.execute(text("SELECT id, payment_id FROM fund_movement ORDER BY id")).all() == [(1, None), (2, 1)]
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            index = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'ix_payment_unbatched'")).scalar()
        assert "reverses_id IS NULL" in index
        # the new constraints: only a reversal is negative, a payment is reversed once, a reversal never batched
        _refused(engine, REVERSAL.format(id=3, stage=3, amount=-500, reverses="NULL", batch="NULL"))
        _refused(engine, REVERSAL.format(id=3, stage=3, amount=500, reverses=1, batch="NULL"))
        _refused(engine, REVERSAL.format(id=3, stage=3, amount=-500, reverses=99, batch="NULL"))
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO payment_batch (id, number, county_id, payment_count, total, created_by_id, "
                              "created_at) VALUES (1, 'B1', 1, 0, 0, 1, '2026-11-22 10:00:00')"))
        _refused(engine, REVERSAL.format(id=3, stage=3, amount=-500, reverses=1, batch=1))
        with engine.begin() as conn:
            conn.execute(text(REVERSAL.format(id=3, stage=3, amount=-500, reverses=1, batch="NULL")))
        _refused(engine, REVERSAL.format(id=4, stage=4, amount=-500, reverses=1, batch="NULL"))
        # going back is refused while reversals are recorded; without them it goes down and up again
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's RuntimeError and exits
            downgrade(revision="0004")
        assert "reverses_id" in {c["name"] for c in inspect(engine).get_columns("payment")}
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM payment WHERE id = 3"))
        downgrade(revision="0004")
        assert "reverses_id" not in {c["name"] for c in inspect(engine).get_columns("payment")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT id, payment_id FROM fund_movement ORDER BY id")).all() == [(1, None), (2, 1)]
        _refused(engine, "UPDATE payment SET amount = -1 WHERE id = 2")
        upgrade(revision="heads")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM payment")).scalar() == 2
            assert conn.execute(text("SELECT payment_id FROM fund_movement WHERE id = 2")).scalar() == 1
        engine.dispose()
