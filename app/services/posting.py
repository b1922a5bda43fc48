"""公示 before aid (2026 opinion 三, 经公示后给予临时救助): a case whose verdict carries
``public_posting_before_aid`` — a 低保边缘 or 刚性支出 household — is posted when it is reviewed, for
``cases.posting_working_days`` working days of the official calendar; staff record the objections (异议)
raised meanwhile, each resolved with a note. The workflow's guards ``posting_over`` and
``no_open_objection`` (app/services/guards.py) refuse the approval until the period has run and every
objection is resolved, on every path, since every path takes transitions through the one state machine.

The period is fixed when the posting opens: the working days of the rules in force on the application
date (as every parameter), counted from the day after the review. Its last day is ``ends_on``; the case
may be approved from the next day on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case
from app.models.audit import utcnow
from app.models.posting import CasePosting, PostingObjection
from app.rules import RuleSet
from app.security.scope import in_scope
from app.services.audit import acting
from app.services.deadlines import china_today

#: the verdict's note that asks for a posting (spec/policy-2026.md)
POSTING_NOTE = "public_posting_before_aid"
PERIOD_KEY = "cases.posting_working_days"


class PostingRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def needs_posting(case: Case) -> bool:
    return POSTING_NOTE in ((case.verdict or {}).get("notes") or ())


def posting_of(session: Session, case: Case) -> CasePosting | None:
    return session.scalar(select(CasePosting).where(CasePosting.case_id == case.id))


def objections_of(session: Session, case: Case) -> list[PostingObjection]:
    return list(session.scalars(select(PostingObjection).where(PostingObjection.case_id == case.id)
                                .order_by(PostingObjection.recorded_at, PostingObjection.id)))


def period_days(rules: RuleSet, case: Case) -> int:
    """The county's ``cases.posting_working_days`` in force on the application date; none in force: the
    posting still opens and objections still hold the approval, but no waiting days are added."""
    val = rules.county(case.county.code).params(case.application_date).get(PERIOD_KEY)
    return int(val.value) if val is not None and val.value is not None else 0


def open_posting(session: Session, case: Case, user, rules: RuleSet, on: dt.date) -> CasePosting | None:
    """Post the case from ``on`` (the review) if its verdict asks for it; a case posted once stays posted
    with its first period (a second review never restarts the clock)."""
    with session.no_autoflush:  # the transition's own changes are written with its name, not before
        if not needs_posting(case) or posting_of(session, case) is not None:
            return None
    days = period_days(rules, case)
    ends_on, _warnings = rules.calendar.add_working_days(on, days) if days else (on, ())
    posting = CasePosting(case_id=case.id, opened_on=on, working_days=days, ends_on=ends_on,
                          opened_by_id=user.id, opened_at=utcnow())
    session.add(posting)
    return posting


def period_over(session: Session, case: Case, today: dt.date | None = None) -> bool:
    """Whether a case to be posted may be approved as far as time goes: its posting opened and its last
    day has passed (China time). A case that needs no posting always may."""
    if not needs_posting(case):
        return True
    posting = posting_of(session, case)
    return posting is not None and (today or china_today(utcnow())) > posting.ends_on


def no_open_objection(session: Session, case: Case) -> bool:
    return session.scalar(select(PostingObjection.id).where(
        PostingObjection.case_id == case.id, PostingObjection.resolved_at.is_(None)).limit(1)) is None


@dataclass(frozen=True)
class PostingStatus:
    """What the case page shows: the period, the working days left and the objections."""

    posting: CasePosting | None
    days_left: int
    objections: list[PostingObjection]

    @property
    def open_objections(self) -> list[PostingObjection]:
        return [o for o in self.objections if o.open]


def status(session: Session, case: Case, calendar, today: dt.date | None = None) -> PostingStatus:
    """The posting as of ``today`` (China time); the working days left are the posting's working days
    not yet over, today included (on the review day: all of them)."""
    today = today or china_today(utcnow())
    posting = posting_of(session, case)
    objections = objections_of(session, case)
    left = 0
    if posting is not None:
        day = max(today, posting.opened_on + dt.timedelta(days=1))
        while day <= posting.ends_on:
            left += 1 if calendar.is_workday(day) else 0
            day += dt.timedelta(days=1)
    return PostingStatus(posting, left, objections)


def _may_object(session: Session, case: Case, user) -> None:
    from app.services.workflow_def import workflow  # the workflow file names the guards of this module

    if not {role.name for role in user.roles} & set(workflow().objection_roles):
        raise PostingRefused("role", "your role does not record objections")
    if not in_scope(case, user):
        raise PostingRefused("scope", "case outside your jurisdiction")


def record_objection(session: Session, case: Case, user, raised_by: str, content: str,
                     now: dt.datetime | None = None) -> PostingObjection:
    """Record an objection to a posted case: who raised it and what it says, by a member of staff. Taken
    from the opening of the posting until the case is decided (an objection arriving after the last day
    still holds the approval until it is resolved)."""
    _may_object(session, case, user)
    if posting_of(session, case) is None:
        raise PostingRefused("not_posted", "the case is not posted")
    if case.decided:
        raise PostingRefused("decided", "the case is decided: its posting is over")
    raised_by, content = (raised_by or "").strip(), (content or "").strip()
    if not raised_by:
        raise PostingRefused("field_required:raised_by", "an objection needs who raised it")
    if not content:
        raise PostingRefused("field_required:content", "an objection needs what it says")
    objection = PostingObjection(case_id=case.id, raised_by=raised_by[:64], content=content[:1000],
                                 recorded_by_id=user.id, recorded_at=now or utcnow())
    session.add(objection)
    with acting(session, user.id, "objection", note=content[:500]):
        session.flush()
    return objection


def resolve_objection(session: Session, case: Case, objection_id, user, resolution: str,
                      now: dt.datetime | None = None) -> PostingObjection:
    """Resolve an open objection of this case with a note (what was found and decided)."""
    _may_object(session, case, user)
    objection = session.scalar(select(PostingObjection).where(
        PostingObjection.id == objection_id, PostingObjection.case_id == case.id))
    if objection is None:
        raise PostingRefused("not_found", "no such objection on this case")
    if not objection.open:
        raise PostingRefused("resolved", "the objection is already resolved")
    resolution = (resolution or "").strip()
    if not resolution:
        raise PostingRefused("field_required:resolution", "a resolution needs its note")
    objection.resolution, objection.resolved_by_id, objection.resolved_at = resolution[:1000], user.id, now or utcnow()
    with acting(session, user.id, "resolve_objection", note=resolution[:500]):
        session.flush()
    return objection
