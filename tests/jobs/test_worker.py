"""A real Celery worker (``tempaid worker``, its own process) against Redis takes a queued job and runs it:
the run appears in the job list as succeeded, recorded by the worker in the same database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from app.jobs import init_celery, tasks
from tests.jobs.test_impact_runs import applications  # noqa: F401 - a fixture

pytestmark = pytest.mark.commits


@contextmanager
def running_worker(app, database_url, redis_url, tmp_path, monkeypatch, *options: str, **env: str):
    """``tempaid worker`` with ``options``, in its own process with ``env`` added, this process sending to it."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # our own database number: nothing of anyone else's
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": redis_url,
           "TEMPAID_INSTANCE": str(tmp_path), "SECRET_KEY": "worker-test", "FLASK_DEBUG": "0", **env}
    tempaid = Path(sys.executable).with_name("tempaid")
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen([str(tempaid), "worker", *options, "--without-heartbeat", "--without-gossip",
                                "--without-mingle"], env=env, stdout=log, stderr=subprocess.STDOUT)
    monkeypatch.setitem(app.config, "CELERY_BROKER_URL", redis_url)
    init_celery(app)  # this process now sends to the queue instead of running the job itself
    try:
        yield process, tmp_path / "worker.log"
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        monkeypatch.setitem(app.config, "CELERY_BROKER_URL", "")
        init_celery(app)


@pytest.fixture()
def worker(app, database_url, redis_url, tmp_path, monkeypatch):
    with running_worker(app, database_url, redis_url, tmp_path, monkeypatch, "--pool=solo", "--concurrency=1") as w:
        yield w


def _succeeded(process, log, runs, task: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    done = []
    while time.monotonic() < deadline and not done:
        assert process.poll() is None, log.read_text()
        done = [run for run in runs() if run.task == task and run.state in ("succeeded", "failed")]
        time.sleep(0.5)
    assert done, "the worker never ran the job:\n" + log.read_text()
    assert done[0].state == "succeeded", done[0].error
    return done[0]


def test_a_real_worker_runs_a_queued_job(app, worker, runs):
    process, log = worker
    from app.jobs import celery_app

    assert not celery_app.conf.task_always_eager
    tasks.return_stale_claims.delay()
    done = _succeeded(process, log, runs, "tempaid.return_stale_claims")
    assert done.result == {"returned": 0} and done.attempts == 1
    assert "tempaid.return_stale_claims" in log.read_text()  # the worker's own log names the job it ran


def test_a_prefork_worker_splits_a_big_impact_over_processes(app, database_url, redis_url, tmp_path, monkeypatch,
                                                              runs, applications):  # noqa: F811
    """The worker as deployed (its prefork pool) forks the impact's parts from its own pool process; here
    every impact is big enough to split, and the figures are those of one process."""
    import datetime as dt

    from app.extensions import db
    from app.services import impact_runs, rule_edits
    from app.services.rules import current_rules
    from tests.crash.test_kill import _proposal
    from tests.jobs.test_impact_runs import TODAY
    from tests.rule_edit_support import RENCHENG, served_copy
    from tests.services.test_workflow import user

    rules_dir = served_copy(app, tmp_path, monkeypatch)
    text = _proposal(rules_dir)
    as_of = dt.date(TODAY.year + 1, 1, 1)
    with app.app_context():
        run_id = impact_runs.start(user(app, "rule_admin_370811").id, RENCHENG, text, as_of, TODAY)
        expected = rule_edits.proposal_impact(db.session, current_rules(), rules_dir, RENCHENG, text, as_of, TODAY)
        db.session.remove()
    with running_worker(app, database_url, redis_url, tmp_path, monkeypatch, "--concurrency=1",
                        RULES_DIR=str(rules_dir), JOBS_IMPACT_PROCESSES="2", JOBS_IMPACT_SPLIT_FROM="1") as (process, log):
        tasks.impact_run.delay(run_id=run_id)
        run = _succeeded(process, log, runs, impact_runs.TASK)
    assert run.id == run_id and run.result["processes"] == 2
    stored = impact_runs.from_json(run.result)
    assert stored.processes == 2 and stored.applications == expected.applications >= 3
    stored.processes = expected.processes
    stored.examples.sort(key=lambda e: e.key)
    expected.examples.sort(key=lambda e: e.key)
    assert stored == expected
