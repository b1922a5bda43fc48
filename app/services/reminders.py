"""Overdue reminders (二、(二) time limits): each open deadline that has passed is brought to the users who
must act on the case — those whose roles take its next step (the workflow's own answer, as the to-do list
asks it) in whose jurisdiction it lies — as a notification in the app and, when SMTP is configured, one
e-mail per user listing what became overdue.

One reminder per user, case and deadline, whenever the job runs (a unique key, and the user's existing
reminders read first): the daily job may run again, or twice after a worker's crash, without repeating one.
Two queries per user with work in their jurisdiction; the cases come with their numbers in the same query.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Case, Notification, TempaidUser
from app.security.scope import scope_clause
from app.services.deadlines import as_utc, due_moment
from app.services.todo import waiting_clause


@dataclass
class Reminded:
    """What one run of the reminders did: new notifications per user id, and the e-mails sent."""

    notifications: dict[int, list[Notification]] = field(default_factory=dict)
    emailed: int = 0

    @property
    def count(self) -> int:
        return sum(len(found) for found in self.notifications.values())


def overdue_deadlines(case: Case, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """``(name, due moment in UTC)`` of the case's open deadlines that have passed."""
    found = []
    for name, deadline in sorted((case.deadlines or {}).items()):
        if deadline.get("met") is None:
            due = due_moment(deadline["due"]).astimezone(dt.timezone.utc)
            if due < now:
                found.append((name, due))
    return found


def remind_overdue(session: Session, now: dt.datetime) -> Reminded:
    """Write the notifications of every deadline overdue at ``now`` for the users responsible; flushed,
    not committed (the job commits)."""
    reminded = Reminded()
    users = session.scalars(select(TempaidUser).where(TempaidUser.active.is_(True))
                            .options(selectinload(TempaidUser.roles), selectinload(TempaidUser.region))).all()
    for user in users:
        if not user.roles:
            continue
        cases = session.scalars(select(Case).where(
            Case.due_at.is_not(None), Case.due_at < now, Case.state != "closed",
            waiting_clause(user), scope_clause(Case, user))).all()
        if not cases:
            continue
        known = set(session.execute(select(Notification.case_id, Notification.deadline).where(
            Notification.user_id == user.id, Notification.case_id.in_([case.id for case in cases]))).all())
        new = [Notification(user_id=user.id, case_id=case.id, deadline=name, due_at=due, created_at=now)
               for case in cases for name, due in overdue_deadlines(case, as_utc(now))
               if (case.id, name) not in known]
        if new:
            session.add_all(new)
            reminded.notifications[user.id] = new
    session.flush()
    return reminded


def unread_count(session: Session, user) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def of_user(session: Session, user, page: int = 0, page_size: int = 50) -> tuple[int, list[Notification]]:
    """The user's notifications, unread first, newest first; one page with its cases."""
    from sqlalchemy import func

    total = session.scalar(select(func.count(Notification.id)).where(Notification.user_id == user.id)) or 0
    rows = session.scalars(select(Notification).where(Notification.user_id == user.id)
                           .options(selectinload(Notification.case))
                           .order_by(Notification.read_at.is_not(None), Notification.created_at.desc(),
                                     Notification.id.desc())
                           .offset(page * page_size).limit(page_size)).all()
    return total, list(rows)


def mark_read(session: Session, user, notification_id, now: dt.datetime) -> Notification | None:
    """Mark one of the user's own notifications read; None if it is not theirs (or does not exist)."""
    note = session.scalar(select(Notification).where(Notification.id == notification_id,
                                                     Notification.user_id == user.id))
    if note is not None and note.read_at is None:
        note.read_at = now
    return note


def mark_all_read(session: Session, user, now: dt.datetime) -> int:
    from sqlalchemy import update

    return session.execute(update(Notification).where(Notification.user_id == user.id,
                                                      Notification.read_at.is_(None))
                           .values(read_at=now)).rowcount
