"""Migration 0003 (charity linkage) goes down and up again on SQLite with users in place: ``ab_user`` gains
and loses ``charity_id`` in place, never by copying the table its neighbours refer to."""
import os

from sqlalchemy import create_engine, inspect, text


def test_charity_migration_down_and_up(tmp_path):
    from flask_migrate import downgrade, upgrade

    from app import create_app

    url = f"sqlite:///{tmp_path / 'updown.db'}"
    os.environ.setdefault("TEMPAID_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SYNC_ROLES_ON_START": False})
    with app.app_context():
        upgrade(revision="heads")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO ab_user (id, first_name, last_name, username, email, active) "
                              "VALUES (1, 'a', 'b', 'kept', 'kept@tempaid.invalid', 1)"))
        downgrade(revision="0003-1")  # the revision before charity linkage
        assert "charity_id" not in {c["name"] for c in inspect(engine).get_columns("ab_user")}
        assert "referral" not in inspect(engine).get_table_names()
        upgrade(revision="heads")
        assert "charity_id" in {c["name"] for c in inspect(engine).get_columns("ab_user")}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT username FROM ab_user")).scalar() == "kept"
        engine.dispose()
