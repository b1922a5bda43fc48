"""Decision documents (书面告知并说明理由): what each one says, gathered from the case and its stored verdict.

A decision reaches the applicant in writing, with its reasons. Five documents are made from what the case
holds — never from the rules as they are today: each applied value with the clause it stood on in the rule
file as it read when the verdict was computed (:mod:`app.services.rules_as_decided`):

- ``approval`` 临时救助审批决定书: who, what for, the amount and how it was computed, how it is paid;
- ``refusal`` 不予救助告知书: each failed check with its figure and limit, or the approver's reason, and
  the applicant's rights (行政复议, 行政诉讼) with the time limits of the county's ``documents`` keys;
- ``pre_assist`` 先行救助登记表 and ``quick`` 小额快救登记表: what was given, when, by whom, the papers due;
- ``payment`` 发放通知, one per stage.

The facts are plain values (Decimal, date, text); :mod:`app.documents` words and lays them out from the
county's templates. The acting user is an argument: it decides whether the ID number is shown whole.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.idnumber import mask as mask_id
from app.models import AuditEntry, Case, Payment, TempaidUser
from app.rules import RuleSet
from app.rules.inputs import CST
from app.security.scope import in_scope, sees_personal_data
from app.services.rules_as_decided import RulesAsDecided, rules_as_decided

KINDS = ("approval", "refusal", "pre_assist", "quick", "payment")
#: the documents that carry a decision and must be delivered (送达)
DECISIONS = ("approval", "refusal", "quick")
DOCUMENT_KEYS = ("documents.office_name", "documents.review_days", "documents.litigation_months",
                 "documents.review_body", "documents.court")


class DocumentRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Basis:
    """One value applied, with the clause it stands on and where it is written (``file:line``)."""

    name: str
    value: object
    limit: object
    passed: bool | None
    clause: str
    source: str


@dataclass
class Facts:
    kind: str
    case: Case
    county_code: str
    county_name: str
    township_name: str
    office_name: str | None
    issued_on: dt.date
    applicant: str
    id_number: str
    category: str
    area: str
    verdict: dict
    basis: list[Basis] = field(default_factory=list)
    failed: list[Basis] = field(default_factory=list)
    reason: str | None = None
    amount: Decimal | None = None
    rights: dict = field(default_factory=dict)
    given_on: dt.date | None = None
    given_by: str | None = None
    papers: tuple = ()
    papers_due: dt.date | None = None
    payments: list[Payment] = field(default_factory=list)
    payment: Payment | None = None


def _china_date(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(CST).date() if moment is not None else None


def _step(session: Session, case: Case, action: str) -> AuditEntry | None:
    """The first audit entry of the transition ``action`` on the case (one query)."""
    return session.scalar(select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.action == action,
                                                   AuditEntry.target == "aid_case")
                          .order_by(AuditEntry.at, AuditEntry.id).limit(1))


def _name(session: Session, user_id: int | None) -> str | None:
    user = session.get(TempaidUser, user_id) if user_id else None
    return f"{user.first_name}{user.last_name}" if user else None


def _amount_basis(then: RulesAsDecided, case: Case) -> list[Basis]:
    """The values the amount was computed with: the urban dibao standard, the tier row, the cap at cost,
    小额快救's months of the standard and the township limit that set the approval level."""
    county = then.rules.county(case.county.code)
    if county is None or not case.verdict.get("amount"):
        return []
    params = county.params(case.application_date)
    amount = case.verdict["amount"]
    out = []

    def add(name, path, value=None):
        val = params.get(path)
        if val is not None:
            out.append(Basis(name, val.value if value is None else value, None, None,
                             then.clause(val.source), val.source))

    add("base", "standards.dibao_monthly.urban")
    if amount.get("tier"):
        category = county.category_map.get(case.category)
        table = params.get(f"aid.{category.tiers}") if category else None
        if table is not None and 0 < amount["tier"] <= len(table.value):
            row = table.value[amount["tier"] - 1]
            out.append(Basis("tier", row.multiplier, row.start, None, then.clause(row.source),
                             row.source))
        add("cap_at_cost", "aid.cap_at_cost")
    if "quick_aid" in (case.verdict.get("notes") or ()):
        add("quick_cap", "aid.quick_cap_dibao_months")
    elif case.severity == "light":
        add("light_cap", "aid.emergency_light_cap")
    add("township_limit", "approval.township_limit")
    return out


def _check_basis(then: RulesAsDecided, verdict: dict) -> list[Basis]:
    return [Basis(check["name"], check.get("value"), check.get("limit"), check.get("passed"),
                  then.clause(check.get("source")), check.get("source") or "")
            for check in verdict.get("checks") or ()]


def _available(session: Session, case: Case, kind: str, stage: int | None) -> None:
    refused = DocumentRefused("document_not_available", f"the case has no {kind} document")
    if kind == "refusal" and case.state != "rejected":
        raise refused
    if kind == "approval" and (case.approved_by_id is None or case.state == "rejected" or case.flow == "quick"):
        raise refused
    if kind == "quick" and (case.flow != "quick" or case.approved_by_id is None or case.state == "rejected"):
        raise refused
    if kind == "pre_assist" and _step(session, case, "pre_assist") is None:
        raise refused
    if kind == "payment" and stage is None:
        raise DocumentRefused("stage_required", "a payment notice names its stage")


def document_facts(session: Session, case: Case, kind: str, user, rules: RuleSet, stage: int | None = None) -> Facts:
    """What the document ``kind`` of ``case`` says; refused when it is outside the user's jurisdiction,
    unknown, or not (yet) made for the case (no refusal notice for an approved case)."""
    if kind not in KINDS:
        raise DocumentRefused("document_unknown", f"no document {kind!r}")
    if not in_scope(case, user):
        raise DocumentRefused("scope", "case outside your jurisdiction")
    _available(session, case, kind, stage)
    household = case.household
    then = rules_as_decided(session, case, rules)
    county = then.rules.county(case.county.code)
    params = county.params(case.application_date) if county else {}
    values = {key: (params.get(key).value if params.get(key) is not None else None) for key in DOCUMENT_KEYS}
    category = county.category_map.get(case.category) if county else None
    verdict = case.verdict or {}
    facts = Facts(
        kind=kind, case=case, county_code=case.county.code, county_name=case.county.name,
        township_name=case.township.name, office_name=values["documents.office_name"],
        issued_on=_china_date(case.decided_at) or _china_date(case.created_at), applicant=household.head_name,
        id_number=household.id_number if sees_personal_data(user) else mask_id(household.id_number),
        category=case.category, area=(case.inputs or {}).get("area") or household.area, verdict=verdict,
        amount=case.approved_amount,
        basis=_check_basis(then, verdict) + _amount_basis(then, case),
        papers=tuple(category.documents) if category else (),
    )
    facts.failed = [b for b in facts.basis if b.passed is False]
    if kind == "refusal":
        rejected = _step(session, case, "reject")
        facts.reason = rejected.note if rejected is not None else None
        facts.issued_on = _china_date(case.decided_at) or _china_date(rejected.at if rejected else None)
        facts.rights = {"review_days": values["documents.review_days"],
                        "litigation_months": values["documents.litigation_months"],
                        "review_body": values["documents.review_body"], "court": values["documents.court"]}
    if kind in ("pre_assist", "quick"):
        step = _step(session, case, "pre_assist" if kind == "pre_assist" else "register")
        facts.given_by = _name(session, step.user_id if step else None)
        facts.given_on = dt.date.fromisoformat(step.note) if kind == "pre_assist" and step and step.note \
            else _china_date(case.decided_at)
        if kind == "pre_assist":
            facts.amount = _pre_assisted_amount(step, case)
        due = (verdict.get("deadlines") or {}).get("registration_due" if kind == "pre_assist" else "quick_due")
        facts.papers_due = dt.date.fromisoformat(due[:10]) if due else None
        facts.issued_on = facts.given_on or facts.issued_on
    facts.payments = list(session.scalars(select(Payment).where(Payment.case_id == case.id)
                                          .order_by(Payment.stage)))
    if kind == "payment":
        facts.payment = next((p for p in facts.payments if p.stage == stage and p.reverses_id is None), None)
        if facts.payment is None:
            raise DocumentRefused("document_not_available", f"the case has no payment of stage {stage}")
        facts.issued_on = facts.payment.paid_on
    return facts


def _pre_assisted_amount(step: AuditEntry | None, case: Case) -> Decimal | None:
    """The amount given at once: what the pre-assistance step recorded (the audit's ``after``), else the
    case's approved amount."""
    after = (step.after or {}) if step is not None else {}
    value = after.get("approved_amount")
    return Decimal(str(value)) if value not in (None, "") else case.approved_amount
