"""Every job run is on record: a run that succeeds, one that fails and is retried, one that fails every
attempt (left failed, in the administrators' list) — and no job runs twice at once (a Redis lock, two
threads asking at the same moment)."""
from __future__ import annotations

import re
import threading
import time

import pytest

from app.jobs import tasks
from tests.browser.rawtext import raw_values

pytestmark = pytest.mark.commits


def visible_text(html: str) -> str:
    """The page as a reader sees it: no scripts, no tags."""
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"(?s)<[^>]+>", " ", html)


def test_a_scheduled_job_runs_eagerly_and_is_recorded(celery, runs):
    tasks.return_stale_claims.delay()
    [run] = runs()
    assert (run.task, run.state, run.attempts, run.result) == ("tempaid.return_stale_claims", "succeeded", 1,
                                                               {"returned": 0})
    assert run.started_at is not None and run.finished_at >= run.started_at and run.user_id is None


def test_a_failing_job_is_retried_until_it_succeeds(celery, runs, monkeypatch):
    calls = []

    def flaky(session, rules, now=None):
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("database went away")
        return [7]

    monkeypatch.setattr("app.services.referrals.return_stale", flaky)
    tasks.return_stale_claims.delay()
    [run] = runs()
    assert len(calls) == 3
    assert (run.state, run.attempts, run.result) == ("succeeded", 3, {"returned": 1})
    assert run.error is None


def test_a_job_failing_every_attempt_is_left_failed_in_the_admin_list(celery, runs, monkeypatch, login_as):
    def broken(session, rules, now=None):
        raise ValueError("rule file unreadable")

    monkeypatch.setattr("app.services.referrals.return_stale", broken)
    result = tasks.return_stale_claims.delay()
    assert isinstance(result.result, ValueError)
    [run] = runs()
    assert (run.state, run.attempts) == ("failed", tasks.RETRIES + 1)
    assert run.error == "ValueError: rule file unreadable" and run.finished_at is not None
    page = login_as("admin").get("/jobrunview/list/").get_data(as_text=True)
    assert "超期未救助的慈善认领退回资金池" in page
    assert "失败" in page and raw_values(visible_text(page)) == []
    shown = login_as("admin").get(f"/jobrunview/show/{run.id}").get_data(as_text=True)
    assert "rule file unreadable" in shown
    assert login_as("county_approver_370811").get("/jobrunview/list/").status_code in (302, 403)


def test_no_job_runs_twice_at_once_across_workers(app, celery, runs, monkeypatch, redis_url):
    """Two workers (threads here, each its own app context and Redis connection) start the same job at the
    same moment: one does the work, the other records its run as skipped."""
    monkeypatch.setitem(app.config, "JOBS_REDIS_URL", redis_url)
    inside, barrier = [], threading.Barrier(2)

    def slow(session, rules, now=None):
        inside.append(threading.get_ident())
        time.sleep(1.0)
        return []

    monkeypatch.setattr("app.services.referrals.return_stale", slow)

    def worker():
        barrier.wait()
        tasks.return_stale_claims.apply()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    states = sorted(run.state for run in runs())
    assert states == ["skipped", "succeeded"] and len(inside) == 1
    tasks.return_stale_claims.apply()  # the lock was released: the next run works again
    assert sorted(run.state for run in runs()) == ["skipped", "succeeded", "succeeded"]


def test_an_eager_job_runs_after_the_app_was_bound_to_a_broker_and_back(app, celery, runs):
    """The suite binds a real broker for the worker tests and the memory one again after: a job then
    still runs (kombu's registry used to hand back the closed pool: "Acquire on closed pool")."""
    from types import SimpleNamespace

    from app.jobs import init_celery

    tasks.return_stale_claims.delay()
    init_celery(SimpleNamespace(config={"CELERY_BROKER_URL": "redis://127.0.0.1:6399/13"}, extensions={}))
    init_celery(app)
    tasks.return_stale_claims.delay()
    assert [run.state for run in runs()] == ["succeeded", "succeeded"]
