"""A user's to-do list for the landing page: what waits for them, in their jurisdiction.

Why here and not in a view: "what waits for this user" is the workflow's question (which transitions may
this user take on which case), asked of config/workflow.yaml, not written down per role. Every list is one
bounded query (a count and the first ``limit`` rows, their neighbours loaded with them), so the page
costs the same few queries however many cases a county has.

- :func:`my_steps` — cases in a state from which a transition of the user's roles leads on, not their own
  intake where the step forbids self-approval, and for a decision only at a level the user approves
  (a township approver is not asked to approve a county-level case). A transition with guards is a to-do
  only where each guard has an SQL form (:data:`GUARD_SQL`: the 公示 guards of an approval); a payment
  guard ("mark paid" needs the payments) is not a to-do of its own — :func:`to_pay` lists those cases.
  Refusals never are. Each row says which steps are open (:func:`app.services.workflow.available`).
- :func:`due` — open cases due within the given span or overdue, soonest first.
- :func:`to_pay` — decided cases in a payable state whose payments do not cover the approved amount.
- :func:`pool` / :func:`claims` — the referrals waiting for the user's charity, and those it claimed.
- :func:`open_leads` / :func:`my_leads` — the leads waiting in the township's inbox (overdue counted), and
  a grid worker's own reports.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, false, func, literal_column, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Case, Payment, Referral
from app.models.posting import CasePosting, PostingObjection
from app.models.referral import POOL_STATES
from app.security.scope import scope_clause
from app.services.money import sum_fen
from app.services.payment_progress import PAY
from app.services.deadlines import china_today
from app.services.workflow import available, role_names
from app.services.workflow_def import workflow

REFUSED = "rejected"  # a refusal is never the step a case waits for


#: a landing section counts at most this many rows: past it the badge reads "1,000+" (a count over a
#: province's million cases would cost seconds on every landing page; nobody works through more)
COUNT_CAP = 1000


@dataclass
class Section:
    """``count`` rows in all (at most :data:`COUNT_CAP`; ``more``: there are more), the first of them in
    ``rows``; ``steps`` maps a case id to its open steps."""

    count: int
    rows: list
    steps: dict = field(default_factory=dict)
    more: bool = False


def _counted(session: Session, entity, where: list, rows: list, steps: dict | None = None) -> Section:
    """The section of ``rows``, counted up to the cap: ``count(*)`` over at most ``COUNT_CAP + 1`` rows
    (an index alone may answer it, and it stops early however many match)."""
    found = session.scalar(select(func.count()).select_from(
        select(literal_column("1")).select_from(entity).where(*where).limit(COUNT_CAP + 1).subquery()))
    return Section(min(found, COUNT_CAP), rows, steps or {}, more=found > COUNT_CAP)


def _flow_clause(name: str):
    """The cases the flow ``name`` runs (chosen at intake and stored on the case: major, 小额快救, the kind)."""
    return Case.flow == name


def _posting_over(today: dt.date):
    """SQL form of the guard ``posting_over``: no posting of the case still runs on ``today``."""
    return ~exists().where(CasePosting.case_id == Case.id, CasePosting.ends_on >= today)


def _no_open_objection(today: dt.date):
    """SQL form of the guard ``no_open_objection``."""
    return ~exists().where(PostingObjection.case_id == Case.id, PostingObjection.resolved_at.is_(None))


#: the guards of app/services/guards.py that a to-do list can ask in SQL, by name → clause(today)
GUARD_SQL = {"posting_over": _posting_over, "no_open_objection": _no_open_objection}


def _level_clause(transition, roles: set[str]):
    """SQL: the verdict's approval level is one the user approves (for decisions; None: no limit)."""
    if not (transition.approval or transition.level == "verdict") or (transition.approval and transition.within):
        return None
    levels = [level for level, approvers in workflow().approvers.items() if roles & set(approvers)]
    return Case.approval_level.in_(levels) if levels else false()


def waiting_clause(user, today: dt.date | None = None):
    """SQL: the case waits for a step of one of the user's roles (from config/workflow.yaml)."""
    return waiting_for(role_names(user), user.id, today)


def waiting_for(roles: set[str], user_id, today: dt.date | None = None):
    """SQL: the case waits for a step of one of ``roles``, taken by ``user_id`` — a user's id, or a column
    holding one when many users are matched against the cases in one query (the overdue reminders)."""
    today = today or china_today()
    alternatives = []
    for name, flow in workflow().flows.items():
        for transition in flow.transitions.values():
            if transition.internal or transition.target == REFUSED or not roles & set(transition.roles) \
                    or any(guard not in GUARD_SQL for guard in transition.requires):
                continue
            condition = [_flow_clause(name), Case.state.in_(transition.sources)]
            condition += [GUARD_SQL[guard](today) for guard in transition.requires]
            if not transition.self_approval:
                condition.append(Case.created_by_id != user_id)
            level = _level_clause(transition, roles)
            if level is not None:
                condition.append(level)
            alternatives.append(and_(*condition))
    return or_(*alternatives) if alternatives else false()


def _cases(session: Session, where: list, order, limit: int) -> list[Case]:
    """The first ``limit`` cases; their household and regions loaded after (selectin: a join before the
    limit would make PostgreSQL join every matching row of a city before it sorts)."""
    return list(session.scalars(select(Case).where(*where).order_by(*order).limit(limit)
                                .options(selectinload(Case.household), selectinload(Case.township),
                                         selectinload(Case.county))).all())


def my_steps(session: Session, user, limit: int = 10) -> Section:
    """Cases waiting for this user's step, soonest due first, each with the steps the user may take."""
    where = [scope_clause(Case, user), waiting_clause(user)]
    rows = _cases(session, where, (Case.due_at.asc().nulls_last(), Case.id), limit)
    steps = {case.id: [t for t in available(case, user) if t.target != REFUSED] for case in rows}
    return _counted(session, Case, where, rows, steps)


def due(session: Session, user, now: dt.datetime, within: dt.timedelta, limit: int = 10) -> Section:
    """Open cases due within ``within`` of ``now`` or overdue, in the user's jurisdiction."""
    where = [scope_clause(Case, user), Case.due_at.is_not(None), Case.due_at <= now + within,
             Case.state != "closed"]
    return _counted(session, Case, where, _cases(session, where, (Case.due_at, Case.id), limit))


def _payable_clause():
    """SQL: the case is in a state where it takes payments (its approval leads there, up to ``pay``)."""
    alternatives = []
    for name, flow in workflow().flows.items():
        pay = flow.transitions.get(PAY)
        if pay is None:
            continue
        states = set(pay.sources) | {t.target for t in flow.transitions.values() if t.approval}
        alternatives.append(and_(_flow_clause(name), Case.state.in_(states)))
    return or_(*alternatives) if alternatives else false()


def to_pay(session: Session, user, limit: int = 10) -> Section:
    """Decided cases whose recorded payments do not yet cover the approved amount (one query, a sum)."""
    paid = (select(sum_fen(Payment.amount)).where(Payment.case_id == Case.id).correlate(Case).scalar_subquery())
    where = [scope_clause(Case, user), _payable_clause(), Case.approved_amount.is_not(None),
             paid < Case.approved_amount]
    return _counted(session, Case, where, _cases(session, where, (Case.decided_at, Case.id), limit))


def _referrals(session: Session, where: list, order, limit: int) -> Section:
    rows = session.scalars(select(Referral).where(*where).order_by(*order).limit(limit)
                           .options(selectinload(Referral.township), selectinload(Referral.case))).all()
    return _counted(session, Referral, where, list(rows))


def pool(session: Session, user, limit: int = 10) -> Section:
    """Referrals waiting to be claimed that the user may see (for charity staff: those their projects fit)."""
    return _referrals(session, [scope_clause(Referral, user), Referral.state.in_(POOL_STATES)],
                      (Referral.referred_at, Referral.id), limit)


def claims(session: Session, user, limit: int = 10) -> Section:
    """Referrals the user's charity claimed and has not closed yet."""
    if user.charity_id is None:
        return Section(0, [])
    return _referrals(session, [Referral.claimed_by_charity_id == user.charity_id, Referral.state == "claimed"],
                      (Referral.claimed_at, Referral.id), limit)


def open_leads(session: Session, user, now: dt.datetime, limit: int = 10) -> Section:
    """Leads waiting for first contact in the user's jurisdiction, the clock soonest first; ``steps``
    holds the number overdue."""
    from app.models import Lead

    where = [scope_clause(Lead, user), Lead.state == "new"]
    count, overdue = session.execute(select(func.count(Lead.id), func.count(Lead.id).filter(
        Lead.first_contact_due < now)).where(*where)).one()
    rows = session.scalars(select(Lead).where(*where).options(joinedload(Lead.township))
                           .order_by(Lead.first_contact_due, Lead.id).limit(limit)).all()
    return Section(count, list(rows), {"overdue": overdue})


def my_leads(session: Session, user, limit: int = 10) -> Section:
    """A grid worker's latest reports, with their cases loaded for the outcome."""
    from app.models import Lead

    where = [scope_clause(Lead, user)]
    count = session.scalar(select(func.count(Lead.id)).where(*where))
    rows = session.scalars(select(Lead).where(*where).options(joinedload(Lead.case), joinedload(Lead.township))
                           .order_by(Lead.reported_at.desc(), Lead.id.desc()).limit(limit)).all()
    return Section(count, list(rows))
