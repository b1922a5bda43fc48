"""Migration 0021 writes the decision row of every case already stored (a plain application gets one, any
other none), in batches of 5,000, and goes down and up again; 0022 writes those of the major applications
stored without one (the checks before it did not take them)."""
import json
from contextlib import contextmanager

from sqlalchemy import create_engine, inspect, text

from app.rules.stored_rows import stored_row
from tests.rules.test_decisions import plain_expenditure
from tests.test_migration_reversals import ROWS as REVERSAL_ROWS

ROWS = REVERSAL_ROWS[:4]  # a county, a township, a user and a household
CASE = ("INSERT INTO aid_case (id, number, household_id, county_id, township_id, kind, category, flow, state, "
        "application_date, inputs, verdict, rules_digest, eligible, deadlines, warnings, created_by_id, created_at) "
        "VALUES (:id, :number, 1, 1, 2, 'expenditure', 'illness:uremia', 'expenditure', 'closed', '2026-05-01', "
        ":inputs, '{}', 'x', 1, '{}', '[]', 1, '2026-05-01 10:00:00')")


@contextmanager
def _cases_at_0020(tmp_path, monkeypatch, inputs: dict):
    """A database at revision 0020 holding a case of each of ``inputs`` (id -> input), in the app's context."""
    from flask_migrate import upgrade

    from app import create_app

    url = f"sqlite:///{tmp_path / 'rows.db'}"
    monkeypatch.setenv("TEMPAID_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SYNC_ROLES_ON_START": False})
    with app.app_context():
        upgrade(revision="0020")
        engine = create_engine(url)
        with engine.begin() as conn:
            for statement in ROWS:
                conn.execute(text(statement))
            conn.execute(text(CASE), [{"id": case_id, "number": f"C{case_id}", "inputs": json.dumps(data)}
                                      for case_id, data in inputs.items()])
        yield engine


def test_the_migration_writes_each_stored_cases_decision_row(tmp_path, monkeypatch):
    from flask_migrate import downgrade, upgrade

    inputs = {}
    for case_id in range(1, 5004):                                # a batch of 5,000 and a short one
        data = plain_expenditure(monthly_income=[f"{800 + case_id % 97}.5"] * 12)
        if case_id % 4 == 0:
            data["household"]["monthly_income"][0] = "800.125"    # not plain: no row
        elif case_id % 4 == 1:
            data["severity"] = "major"
        inputs[case_id] = data
    with _cases_at_0020(tmp_path, monkeypatch, inputs) as engine:
        upgrade(revision="heads")
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, decision_row FROM aid_case")).all())
        assert rows == {case_id: stored_row(data) for case_id, data in inputs.items()}
        assert sum(row is not None for row in rows.values()) == 5003 - 5003 // 4
        downgrade(revision="0020")
        assert "decision_row" not in {c["name"] for c in inspect(engine).get_columns("aid_case")}
        upgrade(revision="heads")
        with engine.connect() as conn:
            assert dict(conn.execute(text("SELECT id, decision_row FROM aid_case")).all()) == rows


def test_the_next_migration_writes_the_rows_of_major_applications_stored_without_one(tmp_path, monkeypatch):
    from flask_migrate import downgrade, upgrade

    inputs = {case_id: dict(plain_expenditure(), **({"severity": "major"} if case_id % 3 == 0 else {}))
              for case_id in range(1, 40)}
    with _cases_at_0020(tmp_path, monkeypatch, inputs) as engine:
        upgrade(revision="0021")
        with engine.begin() as conn:                               # as 0021's checks left them: no major row
            conn.execute(text("UPDATE aid_case SET decision_row = NULL WHERE id % 3 = 0"))
        upgrade(revision="heads")
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, decision_row FROM aid_case")).all())
        assert rows == {case_id: stored_row(data) for case_id, data in inputs.items()}
        assert all(rows.values()) and sum("|major|" in row for row in rows.values()) == 13
        downgrade(revision="0021")
        with engine.connect() as conn:
            left = dict(conn.execute(text("SELECT id, decision_row FROM aid_case")).all())
        assert left == {case_id: None if case_id % 3 == 0 else row for case_id, row in rows.items()}
