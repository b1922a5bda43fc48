"""A real Celery worker (``tempaid worker``, its own process) against Redis takes a queued job and runs it:
the run appears in the job list as succeeded, recorded by the worker in the same database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.jobs import init_celery, tasks

pytestmark = pytest.mark.commits


@pytest.fixture()
def worker(app, database_url, redis_url, tmp_path, monkeypatch):
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # our own database number: nothing of anyone else's
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": redis_url,
           "TEMPAID_INSTANCE": str(tmp_path), "SECRET_KEY": "worker-test", "FLASK_DEBUG": "0"}
    tempaid = Path(sys.executable).with_name("tempaid")
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen([str(tempaid), "worker", "--pool=solo", "--concurrency=1", "--without-heartbeat",
                                "--without-gossip", "--without-mingle"], env=env, stdout=log, stderr=subprocess.STDOUT)
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


def test_a_real_worker_runs_a_queued_job(app, worker, runs):
    process, log = worker
    from app.jobs import celery_app

    assert not celery_app.conf.task_always_eager
    tasks.return_stale_claims.delay()
    deadline = time.monotonic() + 90
    done = []
    while time.monotonic() < deadline and not done:
        assert process.poll() is None, log.read_text()
        done = [run for run in runs() if run.task == "tempaid.return_stale_claims" and run.state == "succeeded"]
        time.sleep(0.5)
    assert done, "the worker never ran the job:\n" + log.read_text()
    assert done[0].result == {"returned": 0} and done[0].attempts == 1
    assert "tempaid.return_stale_claims" in log.read_text()  # the worker's own log names the job it ran
