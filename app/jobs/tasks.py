"""The tasks: thin — each runs one service under :func:`app.jobs.runner.run_job` (record, lock, retries).

- ``tempaid.overdue_reminders`` (daily): notifications to the users responsible for each overdue deadline,
  and one e-mail each when SMTP is configured;
- ``tempaid.return_stale_claims`` (daily): charity claims without aid within the county's
  ``charity.claim_return_days`` go back to the pool;
- ``tempaid.post_disclosures`` (daily, when ``JOBS_DISCLOSURE_USER`` names the posting account): each
  county's disclosure list of the month before, on its last allowed day, unless posted by hand already;
- ``tempaid.impact_run`` (on request): the rule editor's impact of a proposal, with its progress;
- ``tempaid.refresh_dashboards`` (every few minutes): the dashboards' summary cells of the township-months
  written since they were built, rebuilt (the dashboards are right without it, only slower).
"""
from __future__ import annotations

from flask import current_app

from app.jobs import celery_app
from app.jobs.runner import run_job

RETRIES = 3


@celery_app.task(name="tempaid.overdue_reminders", bind=True, max_retries=RETRIES)
def overdue_reminders(self, run_id: int | None = None):
    from app.models.audit import utcnow
    from app.services import mail
    from app.services.reminders import remind_overdue

    def body(session, progress):
        now = utcnow()
        reminded = remind_overdue(session, now)
        session.commit()  # the notifications stand even if a mail server refuses a message
        if mail.configured(current_app.config):
            reminded.emailed = _send_mails(session, reminded, now)
        return {"notifications": reminded.count, "users": len(reminded.notifications), "emails": reminded.emailed}

    return run_job(self, "overdue_reminders", body, run_id)


def _send_mails(session, reminded, now) -> int:
    """One e-mail per user with an address, listing their new reminders; each marked as e-mailed once sent
    (a retry after a refused message sends only what was not sent yet)."""
    from app.models import Notification, TempaidUser
    from app.services import mail
    from app.web.reminder_text import mail_text

    from sqlalchemy import select

    ids = list(reminded.notifications)
    users = {}
    for start in range(0, len(ids), 500):  # the addressees read 500 at a time, not one query each
        users.update((u.id, u) for u in session.scalars(select(TempaidUser).where(
            TempaidUser.id.in_(ids[start:start + 500]))))
    sent = 0
    for user_id, notes in reminded.notifications.items():
        user = users[user_id]
        pending = [note for note in notes if note.emailed_at is None]
        if not user.email or not pending:
            continue
        subject, body = mail_text(user, pending)
        mail.send(current_app.config, user.email, subject, body)
        session.query(Notification).filter(Notification.id.in_([n.id for n in pending])).update(
            {"emailed_at": now}, synchronize_session="fetch")
        session.commit()
        sent += 1
    return sent


@celery_app.task(name="tempaid.refresh_dashboards", bind=True, max_retries=RETRIES)
def refresh_dashboards(self, run_id: int | None = None):
    from app.reports.summary import refresh
    from app.services.deadlines import china_today
    from app.services.rules import current_rules

    def body(session, progress):
        return {"rebuilt": refresh(session, current_rules(), china_today())}

    return run_job(self, "refresh_dashboards", body, run_id)


@celery_app.task(name="tempaid.return_stale_claims", bind=True, max_retries=RETRIES)
def return_stale_claims(self, run_id: int | None = None):
    from app.services.referrals import return_stale
    from app.services.rules import current_rules

    def body(session, progress):
        return {"returned": len(return_stale(session, current_rules()))}

    return run_job(self, "return_stale_claims", body, run_id)


@celery_app.task(name="tempaid.post_disclosures", bind=True, max_retries=RETRIES)
def post_disclosures(self, run_id: int | None = None):
    from app.models.audit import utcnow
    from app.services.disclosure_jobs import post_due
    from app.services.rules import current_rules

    def body(session, progress):
        username = current_app.config.get("JOBS_DISCLOSURE_USER")
        poster = current_app.appbuilder.sm.find_user(username=username) if username else None
        if poster is None:
            raise LookupError(f"JOBS_DISCLOSURE_USER names no user: {username!r}")
        return {"posted": len(post_due(session, poster, current_rules(), utcnow()))}

    return run_job(self, "post_disclosures", body, run_id)


@celery_app.task(name="tempaid.impact_run", bind=True, max_retries=1)
def impact_run(self, run_id: int):
    from pathlib import Path

    from app.models import JobRun
    from app.services.impact_runs import compute
    from app.services.impact_split import SPLIT_FROM
    from app.services.rules import current_rules

    def body(session, progress):
        params = session.get(JobRun, run_id).params
        config = current_app.config
        return compute(session, current_rules(), Path(config["RULES_DIR"]), params, progress,
                       jobs=config.get("JOBS_IMPACT_PROCESSES") or None,
                       split_from=config.get("JOBS_IMPACT_SPLIT_FROM", SPLIT_FROM))

    return run_job(self, f"impact_run:{run_id}", body, run_id)
