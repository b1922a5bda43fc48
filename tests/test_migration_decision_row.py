"""Migration 0021 writes the decision row of every case already stored (a plain application gets one, any
other none), in batches of 5,000, and goes down and up again."""
import json

from sqlalchemy import create_engine, inspect, text

from app.rules.stored_rows import stored_row
from tests.rules.test_decisions import plain_expenditure
from tests.test_migration_reversals import ROWS as REVERSAL_ROWS

ROWS = REVERSAL_ROWS[:4]  # a county, a township, a user and a household
CASE = ("INSERT INTO aid_case (id, number, household_id, county_id, township_id, kind, category, flow, state, "
        "application_date, inputs, verdict, rules_digest, eligible, deadlines, warnings, created_by_id, created_at) "
        "VALUES (:id, :number, 1, 1, 2, 'expenditure', 'illness:uremia', 'expenditure', 'closed', '2026-05-01', "
        ":inputs, '{}', 'x', 1, '{}', '[]', 1, '2026-05-01 10:00:00')")


def test_the_migration_writes_each_stored_cases_decision_row(tmp_path, monkeypatch):
    from flask_migrate import downgrade, upgrade

    from app import create_app

    inputs = {}
    for case_id in range(1, 5004):                                # a batch of 5,000 and a short one
        data = plain_expenditure(monthly_income=[f"{800 + case_id % 97}.5"] * 12)
        if case_id % 4 == 0:
            data["severity"] = "major"                            # not plain: no row
        inputs[case_id] = data
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
