"""Workers starting at once (gunicorn's web workers, the job worker, beat) each build the app on the same
fresh database, and each syncs config/roles.yaml into the permission tables at start: one at a time, the
rest finding it done. No process fails, and every permission, and every grant of one to a role, is there
once — on SQLite and on PostgreSQL."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import traceback
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.deploy.databases import fresh_database

pytestmark = pytest.mark.commits
ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4

MIGRATE = """
import sys
from flask_migrate import upgrade
from app import create_app

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SYNC_ROLES_ON_START": False})
with app.app_context():
    upgrade(revision="heads")
"""


@pytest.fixture()
def fresh_url(database_url, tmp_path):
    """A database of its own, migrated and never synced (what ``tempaid db upgrade`` leaves)."""
    with ExitStack() as stack:
        if database_url.startswith("postgresql"):
            url = stack.enter_context(fresh_database(database_url, "boot")).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp_path / 'boot.db'}"
        env = {**os.environ, "TEMPAID_INSTANCE": str(tmp_path)}
        done = subprocess.run([sys.executable, "-c", MIGRATE, url], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        yield url


def _boot(url: str, instance: str, barrier, results) -> None:
    """One worker's start: build the app (which syncs the roles), then ask again (nothing to do)."""
    try:
        os.environ["TEMPAID_INSTANCE"] = instance
        from app import create_app
        from app.security.boot_sync import sync_roles_at_start

        barrier.wait(timeout=120)
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            results.put(("ok", sync_roles_at_start()))
    except BaseException:  # noqa: BLE001 - the parent reports the child's traceback
        results.put(("error", traceback.format_exc()))


def test_workers_starting_together_sync_the_roles_once(fresh_url, tmp_path):
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(PROCESSES), spawn.Queue()
    workers = [spawn.Process(target=_boot, args=(fresh_url, str(tmp_path), barrier, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=300) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    errors = [detail for status, detail in outcomes if status == "error"]
    assert not errors, errors[0]
    assert [detail for _status, detail in outcomes] == ["unchanged"] * PROCESSES  # the digest was stored

    engine = create_engine(fresh_url)
    try:
        with engine.connect() as conn:
            twice = conn.execute(text(
                "SELECT count(*) FROM (SELECT permission_id, view_menu_id FROM ab_permission_view "
                "GROUP BY permission_id, view_menu_id HAVING count(*) > 1) AS d")).scalar()
            granted_twice = conn.execute(text(
                "SELECT count(*) FROM (SELECT role_id, permission_view_id FROM ab_permission_view_role "
                "GROUP BY role_id, permission_view_id HAVING count(*) > 1) AS d")).scalar()
            views_twice = conn.execute(text(
                "SELECT count(*) FROM (SELECT name FROM ab_view_menu GROUP BY name HAVING count(*) > 1) AS d")).scalar()
            granted = dict(conn.execute(text(
                "SELECT r.name, count(*) FROM ab_role r JOIN ab_permission_view_role pr ON pr.role_id = r.id "
                "GROUP BY r.name")).all())
            syncs = conn.execute(text("SELECT count(*) FROM security_sync")).scalar()
    finally:
        engine.dispose()
    assert (twice, granted_twice, views_twice, syncs) == (0, 0, 0, 1)
    assert granted["township_caseworker"] > 0 and granted["city_bureau"] > 0  # the roles of the file exist
