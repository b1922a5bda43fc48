"""Job tests: the Celery app bound to the suite's app, and the job runs a test made removed after it."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import delete, func, select

#: the Redis database the job tests use (broker and locks), apart from every other user of the server
REDIS_URL = os.environ.get("JOBS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture()
def celery(app):
    from app.jobs import celery_app, init_celery

    init_celery(app)
    assert celery_app.conf.task_always_eager, "the suite runs jobs eagerly (no CELERY_BROKER_URL)"
    return celery_app


@pytest.fixture()
def runs(app):
    """The ids of the job runs made during the test (committed for real), deleted afterwards."""
    from app.extensions import db
    from app.models import JobRun

    with app.app_context():
        first = (db.session.scalar(select(func.max(JobRun.id))) or 0) + 1
        db.session.remove()

    def made():
        with app.app_context():
            found = db.session.scalars(select(JobRun).where(JobRun.id >= first).order_by(JobRun.id)).all()
            db.session.expunge_all()
            db.session.remove()
            return found

    yield made
    with app.app_context():
        db.session.execute(delete(JobRun).where(JobRun.id >= first))
        db.session.commit()
        db.session.remove()


def reachable_redis():
    """The job tests' Redis database, emptied; the test is skipped where no Redis answers (never in CI)."""
    import redis

    queue = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        queue.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}")
    return queue


@pytest.fixture()
def redis_url():
    reachable_redis()
    return REDIS_URL
