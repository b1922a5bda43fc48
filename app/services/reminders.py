"""Overdue reminders (二、(二) time limits): each open deadline that has passed is brought to the users who
must act on the case — those whose roles take its next step (the workflow's own answer, as the to-do list
asks it) in whose jurisdiction it lies — as a notification in the app and, when SMTP is configured, one
e-mail per user listing what became overdue.

One reminder per user, case and deadline, whenever the job runs (a unique key, and the existing reminders
read first): the daily job may run again, or twice after a worker's crash, without repeating one.

Set-based, so a province's tens of thousands of users cost the same few queries as ten: the active users
with their roles and regions (one query), the overdue open cases (one), the pairs of a case and a user
responsible for it (one: the users go in as a VALUES table with their jurisdiction and a *profile* — the
set of roles they hold, whose workflow condition is written once however many users share it), the
reminders those cases already have (one), then the new ones in an ORM bulk insert (SQLAlchemy's
insert-many-values: a statement per thousand rows, on SQLite too, since the rows need no order back).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import Integer, and_, column, insert, or_, select, true, union_all, values
from sqlalchemy.orm import Session, load_only, selectinload

from app.models import Case, Notification, Region, TempaidUser
from app.security.scope import county_id_of, scope_of_roles
from app.services.deadlines import as_utc, due_moment
from app.services.todo import waiting_for


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


def _overdue(now: dt.datetime) -> list:
    return [Case.due_at.is_not(None), Case.due_at < now, Case.state != "closed"]


def _responsible_rows(session: Session) -> tuple[list[tuple], dict[frozenset, int]]:
    """``(user id, profile, scope, county id, township id)`` of every active user who may see cases (0 for
    an id that does not apply: VALUES wants one type per column), and the profiles by their role sets."""
    rows = session.execute(
        select(TempaidUser.id, Region.id, Region.level, Region.parent_id, Role.name)
        .join(TempaidUser.roles).outerjoin(Region, Region.id == TempaidUser.region_id)
        .where(TempaidUser.active.is_(True))).all()
    users: dict[int, tuple] = {}
    for user_id, region_id, level, parent_id, role in rows:
        region = _Region(region_id, level, parent_id) if region_id is not None else None
        users.setdefault(user_id, (region, set()))[1].add(role)
    profiles: dict[frozenset, int] = {}
    responsible = []
    for user_id, (region, roles) in sorted(users.items()):
        anchor = _anchor(scope_of_roles(roles), region)
        if anchor is not None:
            profile = profiles.setdefault(frozenset(roles), len(profiles))
            responsible.append((user_id, profile, *anchor))
    return responsible, profiles


@dataclass(frozen=True)
class _Region:
    id: int
    level: str
    parent_id: int | None


def _anchor(scope: str, region: _Region | None) -> tuple[str, int, int] | None:
    """The user's jurisdiction over cases as ``(scope, county id, township id)`` — the same decision as
    :func:`app.security.scope.scope_clause` — or None when they see no case (charity staff, grid workers,
    a user without the region their scope needs)."""
    if scope == "city":
        return "city", 0, 0
    if scope == "county" and county_id_of(region) is not None:
        return "county", county_id_of(region), 0
    if scope == "township" and region is not None and region.level == "township":
        return "township", 0, region.id
    return None


def remind_overdue(session: Session, now: dt.datetime) -> Reminded:
    """Write the notifications of every deadline overdue at ``now`` for the users responsible; flushed,
    not committed (the job commits)."""
    reminded = Reminded()
    rows, profiles = _responsible_rows(session)
    if not rows:
        return reminded
    cases = {case.id: case for case in session.scalars(
        select(Case).where(*_overdue(now)).options(load_only(Case.id, Case.number, Case.deadlines)))}
    if not cases:
        return reminded
    who = values(column("user_id", Integer), column("profile", Integer), column("scope"),
                 column("county_id", Integer), column("township_id", Integer),
                 name="responsible", literal_binds=True).data(rows).cte("responsible")
    waiting = or_(*(and_(who.c.profile == number, waiting_for(set(roles), who.c.user_id))
                    for roles, number in profiles.items()))
    # one equi-join per kind of jurisdiction (an OR of the three would make PostgreSQL loop over every pair)
    joins = {"city": true(), "county": Case.county_id == who.c.county_id,
             "township": Case.township_id == who.c.township_id}
    parts = [select(who.c.user_id, Case.id.label("case_id")).select_from(who).join(Case, on)
             .where(who.c.scope == scope, waiting, *_overdue(now)) for scope, on in joins.items()]
    pairs = session.execute(union_all(*parts)).all()
    known = set(session.execute(select(Notification.user_id, Notification.case_id, Notification.deadline)
                                .join(Case, Case.id == Notification.case_id).where(*_overdue(now))).all())
    passed = {case_id: overdue_deadlines(case, as_utc(now)) for case_id, case in cases.items()}
    new = [dict(user_id=user_id, case_id=case_id, deadline=name, due_at=due, created_at=now)
           for user_id, case_id in sorted(pairs) for name, due in passed.get(case_id, ())
           if (user_id, case_id, name) not in known]
    if new:  # an ORM bulk insert: a statement per thousand rows, the objects back for the e-mails
        for note in session.scalars(insert(Notification).returning(Notification), new):
            reminded.notifications.setdefault(note.user_id, []).append(note)
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
