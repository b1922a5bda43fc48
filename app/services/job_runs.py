"""The record of job runs: written on a connection of its own, in short transactions.

Why not in the job's own session: the job's work is one transaction that commits at its end (or rolls
back on failure), but the administrators' list and the progress bar must see a run start, advance and
fail while that transaction is still open — and a failed run must stay on record after its rollback.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from app.extensions import db
from app.models import JobRun
from app.models.audit import utcnow
from app.security.scope import ADMIN_ROLE

ERROR_LENGTH = 2000


def _own_session() -> Session:
    return sessionmaker(bind=db.engine, expire_on_commit=False)()


def _update(run_id: int, **values) -> None:
    with _own_session() as session, session.begin():
        session.execute(update(JobRun).where(JobRun.id == run_id).values(**values))


def create(task: str, params: dict | None = None, user_id: int | None = None, session: Session | None = None) -> int:
    """A run queued for ``task`` (by ``user_id``, or by the schedule); its id. With ``session`` (a web
    request's), the run is committed in that session: on SQLite the request's transaction holds the write
    lock, and a connection of our own would wait for it."""
    run = JobRun(task=task, state="queued", attempts=0, user_id=user_id, params=params or {},
                 progress_done=0, progress_total=0, queued_at=utcnow())
    if session is not None:
        session.add(run)
        session.commit()
        return run.id
    with _own_session() as own, own.begin():
        own.add(run)
        own.flush()
        return run.id


def started(run_id: int, attempt: int) -> None:
    _update(run_id, state="running", attempts=attempt, started_at=utcnow(), error=None)


def progress(run_id: int, done: int, total: int) -> None:
    _update(run_id, progress_done=done, progress_total=total)


def attempt_failed(run_id: int, error: str, final: bool) -> None:
    """A failed attempt: ``retrying`` (another attempt follows) or, the last one, ``failed``."""
    values = {"state": "failed" if final else "retrying", "error": error[:ERROR_LENGTH]}
    if final:
        values["finished_at"] = utcnow()
    _update(run_id, **values)


def skipped(run_id: int, reason: str) -> None:
    _update(run_id, state="skipped", error=reason[:ERROR_LENGTH], finished_at=utcnow())


def succeeded(run_id: int, result: dict | None) -> None:
    _update(run_id, state="succeeded", result=result, finished_at=utcnow())


def visible(session: Session, run_id: int, user) -> JobRun | None:
    """A run as its requester (or an administrator) may see it; None for anyone else."""
    run = session.get(JobRun, run_id)
    if run is None or user is None:
        return None
    if run.user_id == user.id or ADMIN_ROLE in {role.name for role in user.roles}:
        return run
    return None
