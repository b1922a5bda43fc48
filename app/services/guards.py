"""What a transition of config/workflow.yaml may require of the case beyond roles and fields
(``requires: [paid_in_full]``): each guard a name, a test on the case's data and the refusal it gives.

Kept as data so the rule "nobody marks a case paid that its payments do not cover" lives in the workflow
file next to the transition it governs, checked by the one state machine on every path (case page, REST,
services); :mod:`app.services.workflow_def` refuses a workflow naming a guard not listed here.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Case
from app.services.payment_progress import progress
from app.services.posting import no_open_objection, period_over


@dataclass(frozen=True)
class Guard:
    test: Callable[[Session, Case], bool]
    code: str  # the TransitionRefused code when the test fails
    message: str


GUARDS: dict[str, Guard] = {
    "paid_in_full": Guard(lambda session, case: progress(session, case.id).complete, "not_paid_in_full",
                          "the recorded payments do not add up to the approved amount: record the payments first"),
    "not_paid_in_full": Guard(lambda session, case: not progress(session, case.id).complete, "paid_in_full",
                              "the recorded payments still add up to the approved amount"),
    # 公示 before aid (2026 opinion 三): no approval while the posting runs or an objection is open
    "posting_over": Guard(period_over, "posting_running",
                          "the case is being posted (公示): it may be approved once its posting period has run"),
    "no_open_objection": Guard(no_open_objection, "objection_open",
                               "an objection raised during the posting is still open: resolve it first"),
}


def failing(session: Session, case: Case, names: tuple[str, ...]) -> Guard | None:
    """The first guard of ``names`` the case does not pass, or None."""
    for name in names:
        if not GUARDS[name].test(session, case):
            return GUARDS[name]
    return None
