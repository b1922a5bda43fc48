"""The Celery app: scheduled and long work on a real queue, with Redis as broker (as Apache Superset,
the best-known Flask-AppBuilder application, runs its jobs).

Why one module-level Celery app bound by :func:`init_celery`: tasks are declared once, at import, and every
process that runs them (``tempaid worker``, ``tempaid beat``, the web app enqueuing an impact run) binds the
same app to its own Flask app, so a task body runs inside that app's context with its database session.

Without a broker (``CELERY_BROKER_URL`` empty: the demo, the test suite) tasks run *eagerly*, in the caller's
process, the same code path as on a worker; the job record, the retries and the lock behave alike.
"""
from __future__ import annotations

from celery import Celery, Task

celery_app = Celery("tempaid", include=["app.jobs.tasks"])
_bound: dict = {}


class FlaskTask(Task):
    """A task body runs inside the bound Flask app's context and leaves no session behind."""

    def __call__(self, *args, **kwargs):
        from flask import current_app, has_app_context

        # run eagerly, a task belongs to the app that asked for it (a process may hold several apps: the
        # tests); on a worker, to the app the worker bound
        flask_app = current_app._get_current_object() if has_app_context() else _bound.get("app")
        if flask_app is None:  # a worker started without ``tempaid worker``: bind the app from the settings
            from app import create_app

            flask_app = create_app()
            init_celery(flask_app)
        with flask_app.app_context():
            from app.extensions import db

            try:
                return super().__call__(*args, **kwargs)
            finally:
                db.session.remove()


celery_app.Task = FlaskTask


def _drop_connections() -> None:
    """Forget the pooled broker connections of a previous configuration (a process that binds a second app
    with another broker: the test suite); Celery keeps them on the app and would send to the old broker.
    kombu's process-wide pool registries are emptied too: they hand a closed pool back to the next app
    bound to the same broker ("Acquire on closed pool")."""
    from kombu import pools

    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def init_celery(flask_app) -> Celery:
    """Configure the Celery app from the Flask settings (``CELERY_*``) and bind it to ``flask_app``."""
    from app.jobs.schedule import beat_schedule

    config = flask_app.config
    broker = config.get("CELERY_BROKER_URL") or ""
    if celery_app.conf.get("broker_url") not in (None, broker or "memory://"):
        _drop_connections()
    celery_app.conf.update(
        broker_url=broker or "memory://",
        result_backend=config.get("CELERY_RESULT_BACKEND") or None,
        task_always_eager=not broker,
        task_eager_propagates=False,
        task_ignore_result=True,
        # a worker that dies mid-task leaves its message to another worker (the lock and the job record
        # keep a redelivered job from running twice at once)
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        timezone="Asia/Shanghai",
        enable_utc=True,
        beat_schedule=beat_schedule(config),
    )
    _bound["app"] = flask_app
    flask_app.extensions["celery"] = celery_app
    return celery_app


def enqueue(task, **kwargs) -> None:
    """Queue ``task`` from a web request. Without a broker (the demo) it runs in a thread of this process
    instead of inside the request: the page answers at once and shows the progress, as with a worker, and
    the job's reads are not the request's transaction (on SQLite that one holds the write lock the job's
    progress writes need)."""
    if not celery_app.conf.task_always_eager:
        task.apply_async(kwargs=kwargs)
        return
    import threading

    from flask import current_app

    flask_app = current_app._get_current_object()

    def run() -> None:
        with flask_app.app_context():
            task.apply(kwargs=kwargs)

    threading.Thread(target=run, name=f"job-{task.name}", daemon=True).start()
