"""How every task runs: on record, under its lock, retried when it fails.

1. the run is on record (``job_run``) before the work starts — queued by whoever asked, or by the task itself
   when the schedule started it;
2. the work runs only while this worker holds the job's Redis lock; a second worker reaching the same job
   meanwhile records its run as skipped and does nothing (no job runs twice at once);
3. the work is one transaction of the job's session: committed at the end, rolled back on a failure;
4. a failure is recorded (``retrying``, with the error) and the task retried after a pause, up to its
   ``max_retries``; the last failure leaves the run ``failed`` in the administrators' list.
The retry is asked for after the lock is released, so the next attempt (at once, in eager mode) can take it.
"""
from __future__ import annotations

from typing import Callable

from flask import current_app

from app.extensions import db
from app.jobs.lock import job_lock
from app.services import job_runs

Body = Callable[[object, Callable[[int, int], None]], dict | None]


def run_job(task, key: str, body: Body, run_id: int | None = None, params: dict | None = None):
    """Run ``body(session, progress)`` as one recorded, locked, retried run of ``task``; returns its run id."""
    config = current_app.config
    if run_id is None:
        run_id = job_runs.create(task.name, params)
    failure = None
    with job_lock(key, config.get("JOBS_REDIS_URL"), int(config.get("JOBS_LOCK_SECONDS", 3600))) as got:
        if not got:
            job_runs.skipped(run_id, "the same job was running on another worker")
            return run_id
        job_runs.started(run_id, attempt=task.request.retries + 1)
        session = db.session
        try:
            result = body(session, lambda done, total: job_runs.progress(run_id, done, total))
            session.commit()
        except Exception as exc:  # any failure of the work: recorded, then retried or left failed
            session.rollback()
            failure = exc
        else:
            job_runs.succeeded(run_id, result)
            return run_id
    final = task.request.retries >= task.max_retries
    job_runs.attempt_failed(run_id, f"{type(failure).__name__}: {failure}", final)
    if final:
        raise failure
    raise task.retry(exc=failure, args=(), kwargs={**(task.request.kwargs or {}), "run_id": run_id},
                     countdown=int(config.get("JOBS_RETRY_SECONDS", 60)))
