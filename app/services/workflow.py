"""The one generic state machine that executes config/workflow.yaml on a case.

Every transition is checked in the same order — it exists from this state (and is not internal, unless a
service takes it), the user's role may take it, the case is in the user's jurisdiction, nobody approves
what they took in themselves, nobody takes a step whose ``not_by`` transitions they took on the case
(whoever pre-assisted does not register), the fields it asks for are given, the guards it requires pass
(``pay``: the recorded payments cover the approved amount), an approval is by an approver of the verdict's
level — or, declared ``within: pre_assist_limit``, by any of its roles up to the county's limit — and within
the verdict's maximum (or above it with a reason and a higher approver); a step declared ``level: verdict``
is by an approver of the verdict's level — then applied and written to the trail. :func:`available` offers
only what would pass the checks that need no input, so a screen shows no button its user would be refused.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from app.models import AuditEntry, Case, CaseAdjustment
from app.models.audit import utcnow
from app.rules import RuleSet, evaluate
from app.rules.inputs import CST
from app.security.scope import in_scope
from app.services.audit import acting, sanctioned
from app.services.deadlines import meet_deadline, open_deadline
from app.services.guards import failing
from app.services.intake import apply_verdict, money_in_fen
from app.services.money import MoneyInvalid, parse_money
from app.services.payment_progress import PAY, lock_case, progress
from app.services.posting import open_posting
from app.services.workflow_def import Flow, Transition, workflow

#: the input field of the engine that each started deadline counts from
DEADLINE_START_FIELD = {"decision_due": "accepted_on", "registration_due": "pre_assisted_on"}


class TransitionRefused(Exception):
    """A refused step: a code, an English sentence (the API's), and the figures it names (``amount``,
    ``limit``) for a screen to word the refusal in the user's language."""

    def __init__(self, code: str, message: str, **figures):
        super().__init__(message)
        self.code = code
        self.message = message
        self.figures = figures


def role_names(user) -> set[str]:
    return {role.name for role in user.roles}


def available(case: Case, user) -> list[Transition]:
    """The transitions this user may take on this case now (the buttons a screen shows): the checks of
    :func:`take` that need no input — role, jurisdiction, self-approval, separation of duties, guards, the
    approval level — so a township approver is offered no approval of a county-level case. Never an
    internal transition."""
    session = object_session(case)
    flow = workflow().flow_of(case)
    offered = []
    for transition in flow.available(case.state):
        if transition.internal:
            continue
        try:
            _who_may(session, case, transition, user)
            guard = failing(session, case, transition.requires) if transition.requires else None
            if guard is not None:
                continue
            _may_decide(transition, Standing.of(case.verdict), user)
        except TransitionRefused:
            continue
        offered.append(transition)
    return offered


def _who_may(session: Session, case: Case, transition: Transition, user) -> None:
    """Refuse a user who may not take ``transition`` on ``case`` whatever they type: role, jurisdiction,
    self-approval, and the separation of duties the transition declares (``not_by``)."""
    if not role_names(user) & set(transition.roles):
        raise TransitionRefused("role", f"your role may not {transition.name}")
    if not in_scope(case, user):
        raise TransitionRefused("scope", "case outside your jurisdiction")
    if not transition.self_approval and case.created_by_id == user.id:
        raise TransitionRefused("self_approval", "nobody decides a case they took in themselves")
    if transition.not_by and session.scalar(
            select(AuditEntry.id).where(AuditEntry.case_id == case.id, AuditEntry.user_id == user.id,
                                        AuditEntry.action.in_(transition.not_by)).limit(1)) is not None:
        raise TransitionRefused("not_by", f"whoever took {', '.join(transition.not_by)} on this case may not "
                                          f"also {transition.name} it")


def _may_decide(transition: Transition, standing: Standing, user) -> None:
    """Refuse a decision the user may not take at the verdict's level: an approval (unless it is one given
    ``within`` a limit, such as pre-assistance) and a step declared ``level: verdict``."""
    if not (transition.approval or transition.level == "verdict"):
        return
    if not standing.eligible or standing.level is None:
        raise TransitionRefused("not_eligible", "the verdict found the household not eligible")
    if transition.approval and transition.within:
        return
    if not role_names(user) & set(workflow().approvers[standing.level]):
        raise TransitionRefused("approval_level", f"approval at level {standing.level} is not yours")


def _within_limit(transition: Transition, case: Case, amount: Decimal, rules: RuleSet, on: dt.date) -> None:
    """An approval given ``within`` a rule key (先行救助): never above the county's amount in force."""
    county = rules.county(case.county.code)
    found = county.params(on).get(f"approval.{transition.within}") if county is not None else None
    if found is None:
        raise TransitionRefused(f"{transition.within}_missing",
                                f"the county's rules set no approval.{transition.within} in force on {on}")
    limit = money_in_fen(found.value)
    if amount > limit:
        raise TransitionRefused(f"above_{transition.within}",
                                f"{amount} is above the {transition.within.replace('_', ' ')} of {limit}",
                                amount=amount, limit=limit)


def _amount(fields: dict) -> Decimal:
    """The amount a step asks for, by the one rule for money (:func:`app.services.money.parse_money`)."""
    try:
        return parse_money(fields.get("amount"))
    except MoneyInvalid as exc:
        raise TransitionRefused("amount_invalid", str(exc)) from None


def _within_ceiling(amount: Decimal, case: Case, rules: RuleSet | None) -> None:
    """No amount of one case goes above the county's ``approval.amount_ceiling`` (in force on the
    application date), whoever approves it and with whatever reason."""
    if rules is None:
        return
    try:
        ceiling = rules.effective(case.county.code, case.application_date)["approval"]["amount_ceiling"]["value"]
    except KeyError:
        return  # a county without a ceiling: Numeric(12, 2) is the only limit
    if ceiling is not None and amount > Decimal(str(ceiling)):
        raise TransitionRefused("above_ceiling", f"{amount} is above the county's ceiling of {ceiling} yuan for "
                                                 "one case: no approval goes beyond it")


def _action_date(fields: dict, case: Case, today: dt.date) -> dt.date:
    """The day an action was taken: given (payment, pre-assistance) or today; never in the future and
    never before the application, so deadlines cannot be moved by a typed date."""
    if not fields.get("date"):
        return today
    try:
        on = dt.date.fromisoformat(str(fields["date"]))
    except ValueError:
        raise TransitionRefused("date_invalid", "the date must be YYYY-MM-DD") from None
    if on > today or on < case.application_date:
        raise TransitionRefused("date_invalid", "the date must lie between the application and today")
    return on


@dataclass(frozen=True)
class Standing:
    """What an approval is checked against: the verdict's eligibility, level and maximum (in fen)."""

    eligible: bool
    level: str | None
    maximum: Decimal | None

    @classmethod
    def of(cls, verdict: dict) -> Standing:
        maximum = (verdict["amount"] or {}).get("maximum")
        return cls(verdict["eligible"], verdict["approval_level"], None if maximum is None else money_in_fen(maximum))


def _check_approval(standing: Standing, user, amount: Decimal, fields: dict, level_checked: bool = False) -> None:
    """The amount against the verdict's maximum (above it: a recorded reason and a higher approver); the
    approver against the verdict's level unless the caller checked it (:func:`_may_decide`)."""
    wf = workflow()
    if not standing.eligible or standing.level is None:
        raise TransitionRefused("not_eligible", "the verdict found the household not eligible")
    roles = role_names(user)
    if not level_checked and not roles & set(wf.approvers[standing.level]):
        raise TransitionRefused("approval_level", f"approval at level {standing.level} is not yours")
    if standing.maximum is not None and amount > standing.maximum:
        level_rank = min(wf.approver_rank[r] for r in wf.approvers[standing.level])
        user_rank = max((wf.approver_rank.get(r, 0) for r in roles), default=0)
        if not fields.get("reason") or user_rank <= level_rank:
            raise TransitionRefused(
                "above_maximum", f"{amount} is above the verdict's maximum {standing.maximum}: "
                "it needs a recorded reason and a higher approval", amount=amount, limit=standing.maximum)


def take(session: Session, case: Case, name: str, user, fields: dict, rules: RuleSet,
         now: dt.datetime | None = None, internal: bool = False) -> Case:
    """Take transition ``name`` on ``case`` as ``user`` with the ``fields`` it asks for. ``internal``:
    the caller is the service an internal transition belongs to (screens and the API never pass it)."""
    now = now or utcnow()
    lock_case(session, case)  # every check below reads the case as committed, and no one else moves it meanwhile
    flow = workflow().flow_of(case)
    transition = flow.transitions.get(name)
    if transition is None or case.state not in transition.sources:
        raise TransitionRefused("not_available", f"{name} is not possible from {case.state}")
    if transition.internal and not internal:
        raise TransitionRefused("not_available", f"{name} is taken by the system only, never by hand")
    _who_may(session, case, transition, user)
    for field in transition.fields:
        if fields.get(field) in (None, ""):
            raise TransitionRefused(f"field_required:{field}", f"{name} needs {field}")
    today = now.astimezone(CST).date()
    on = _action_date(fields, case, today)
    amount = _amount(fields) if "amount" in transition.fields else None
    if amount is not None:
        _within_ceiling(amount, case, rules)
    guard = failing(session, case, transition.requires)
    if guard is not None:
        raise TransitionRefused(guard.code, guard.message)
    data, verdict = case.inputs, case.verdict
    if transition.starts:  # the verdict is computed again from that day; approval is checked against it
        data = {**case.inputs, **{DEADLINE_START_FIELD[d]: on.isoformat() for d in transition.starts}}
        verdict = evaluate(data, rules)
    _may_decide(transition, Standing.of(verdict), user)
    if transition.approval and transition.within:
        _within_limit(transition, case, amount, rules, on)
    if transition.approval:
        _check_approval(Standing.of(verdict), user, amount, fields, level_checked=True)
    # every check passed: only now is the case changed
    if transition.starts:
        apply_verdict(case, data, verdict, rules.digest)
        for deadline in transition.starts:
            open_deadline(case, deadline, verdict["deadlines"][deadline])
    for deadline in transition.stops:
        meet_deadline(case, deadline, now)
    if transition.approval:
        case.approved_amount, case.approved_by_id, case.decided_at = amount, user.id, now
    elif transition.target == "rejected":
        case.decided_at = now
    elif amount is not None and not case.decided:
        case.approved_amount = amount  # a proposal (the major-case plan), decided by the approval
    case.state = transition.target
    if transition.opens_posting:  # 公示 before aid: the posting runs from this step (the review)
        open_posting(session, case, user, rules, on)
    note = fields.get("reason") or fields.get("note") or fields.get("date")
    with acting(session, user.id, name, note=str(note)[:500] if note else None):
        session.flush()
    return case


def reevaluate(session: Session, case: Case, user, rules: RuleSet) -> Case:
    """Run the engine again on an undecided case (rules or figures changed); decided cases keep theirs."""
    if case.decided:
        raise TransitionRefused("decided", "a decided case keeps the verdict it was decided on")
    if not in_scope(case, user):
        raise TransitionRefused("scope", "case outside your jurisdiction")
    apply_verdict(case, case.inputs, evaluate(case.inputs, rules), rules.digest)
    with acting(session, user.id, "reevaluate"):
        session.flush()
    return case


def may_adjust(case: Case, user) -> bool:
    """Whether the user is an approver of the case's level (who may correct its decided amount)."""
    return case.approval_level is not None and bool(
        role_names(user) & set(workflow().approvers.get(case.approval_level, ())))


def settled_states(flow: Flow) -> set[str]:
    """Where ``pay`` leads and what follows it by hand (paid, closed): the payments are complete there."""
    pay = flow.transitions.get(PAY)
    found = {pay.target} if pay is not None else set()
    while True:
        more = {t.target for t in flow.transitions.values() if not t.internal and found & set(t.sources)} - found
        if not more:
            return found
        found |= more


def adjust(session: Session, case: Case, amount, reason: str, user, rules: RuleSet | None = None) -> CaseAdjustment:
    """Correct a decided amount: a recorded adjustment with its reason, by an approver of the case's
    level or higher; the decision itself is never edited. Never below what was already paid (money out of
    the door is undone only by a reversal), and not once the case is paid: its payments are complete."""
    if not case.decided or case.approved_amount is None:
        raise TransitionRefused("not_decided", "only a decided amount is adjusted")
    lock_case(session, case)  # a payment recorded meanwhile waits, then tests itself against the new amount
    if case.state in settled_states(workflow().flow_of(case)):
        raise TransitionRefused("payments_complete", f"the case is {case.state}: its payments are complete, so its "
                                                     "approved amount is no longer adjusted")
    if not reason:
        raise TransitionRefused("field_required:reason", "an adjustment needs its reason")
    new_amount = _amount({"amount": amount})
    _within_ceiling(new_amount, case, rules)
    paid = progress(session, case.id).paid
    if new_amount < paid:
        raise TransitionRefused("below_paid", f"{new_amount} is below the {paid} already paid on this case; "
                                              "reverse a payment first if it was wrong")
    _check_approval(Standing.of(case.verdict), user, new_amount, {"reason": reason})
    adjustment = CaseAdjustment(case_id=case.id, field="approved_amount", before=str(case.approved_amount),
                                after=str(new_amount), reason=reason, user_id=user.id)
    session.add(adjustment)
    with sanctioned(session), acting(session, user.id, "adjust", note=reason[:500]):
        case.approved_amount = new_amount
        session.flush()
    return adjustment
