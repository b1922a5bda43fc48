"""Backups (deploy/backup.sh, the nightly pg_dump): a dump of the PostgreSQL test database restores into a
fresh database that reads back the same rows, with the schema at the same migration."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.deploy.databases import fresh_database

pytestmark = pytest.mark.commits
SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "backup.sh"
TABLES = ("region", "ab_user", "ab_role", "alembic_version")


@pytest.fixture()
def postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("pg_dump backs up PostgreSQL; the SQLite demo is copied as a file")
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    return database_url


def _read(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = {table: conn.scalar(text(f"SELECT count(*) FROM {table}")) for table in TABLES}
            counts["version"] = conn.scalar(text("SELECT version_num FROM alembic_version"))
            counts["regions"] = conn.execute(text("SELECT code, name FROM region ORDER BY code")).all()
        return counts
    finally:
        engine.dispose()


def test_a_dump_restores_into_a_fresh_database(app, postgres, tmp_path):
    source = make_url(postgres)
    plain = source.set(drivername="postgresql").render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": postgres, "BACKUP_DIR": str(tmp_path), "BACKUP_KEEP_DAYS": "1"}
    env.pop("RULES_DIR", None)
    done = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    dump = tmp_path / done.stdout.strip().splitlines()[-1]
    assert dump.exists() and dump.stat().st_size > 0 and not list(tmp_path.glob("*.part"))

    with fresh_database(postgres, "restore") as target:
        restore = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                                  target.set(drivername="postgresql").render_as_string(hide_password=False),
                                  str(dump)], capture_output=True, text=True, timeout=300)
        assert restore.returncode == 0, restore.stderr
        before, after = _read(plain), _read(target.render_as_string(hide_password=False))
        assert after == before
        assert after["region"] > 0 and after["ab_user"] > 0
