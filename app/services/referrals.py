"""Referral (转介) of a case to the charities, claiming, aid and return to the pool (二、(五)).

Every change of a referral's state that two people could race for is one conditional UPDATE whose
WHERE clause restates what must still hold (``state = 'open'`` for a claim, "still ours" for aid), and
the row count says who won. That is exact on PostgreSQL (the second UPDATE waits for the first's row
lock, then re-checks the WHERE clause) and on SQLite (one writer at a time), with no SELECT ... FOR
UPDATE. Such UPDATEs bypass the ORM, so they write their own audit entries; everything else goes
through the session and the audit hook.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, func, literal, select, update
from sqlalchemy.orm import Session

from app.models import AidRecord, AuditEntry, CharityProject, Referral, Region
from app.models.audit import utcnow
from app.models.referral import AID_KINDS, POOL_STATES, fit_clause
from app.security.scope import in_scope, scope_clause, user_scope
from app.services.audit import _plain, acting
from app.services.charities import HALF_FEN, CharityRefused, fen, money, round_fen
from app.services.deadlines import CST
from app.services.summary_marks import mark


class ReferralRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _stamp(moment: dt.datetime):
    """A time as a typed SQL value (a bare Python datetime inside an expression loses its column type)."""
    return literal(moment, DateTime(timezone=True))


def _swap(session: Session, referral: Referral, action: str, user_id: int | None, where: list, values: dict,
          note: str | None = None) -> bool:
    """Apply ``values`` to the referral only if ``where`` still holds in the database; True if it did.

    On success the audit entry the ORM hook would have written is added, and the object reloads."""
    session.flush()
    before = {key: _plain(getattr(referral, key)) for key in values}  # as the actor saw it
    result = session.execute(update(Referral).where(Referral.id == referral.id, *where).values(**values)
                             .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.expire(referral)
        return False
    # a bulk UPDATE: no session hook sees it, so the dashboards' months it moves are marked here
    moments = [getattr(referral, key) for key in values] + list(values.values())  # before (as loaded) and after
    mark(session, referral.township_id, [v for v in moments if isinstance(v, dt.datetime)])
    session.add(AuditEntry(at=utcnow(), user_id=user_id, target="referral", target_id=referral.id,
                           case_id=referral.case_id, action=action, before=before,
                           after={key: _plain(value) for key, value in values.items()},
                           note=note[:500] if note else None))
    session.flush()
    session.expire(referral)
    return True


def _text(value) -> str | None:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    return text or None


def refer(session: Session, case, user, need: str, gap_money=None, gap_goods=None, gap_services=None,
          now: dt.datetime | None = None) -> Referral:
    """A caseworker refers a case to the charities, after or alongside government aid, stating the need
    and the gap left in money, goods or services. One referral per case at a time."""
    if not in_scope(case, user):
        raise ReferralRefused("scope", "case outside your jurisdiction")
    need, goods, services = _text(need), _text(gap_goods), _text(gap_services)
    if need is None:
        raise ReferralRefused("field_required:need", "state the need")
    try:
        amount = money(gap_money) if _text(gap_money) is not None else None
    except CharityRefused as exc:
        raise ReferralRefused(exc.code, exc.message) from None
    if not (amount or goods or services):
        raise ReferralRefused("gap_required", "state the gap in money, goods or services")
    if session.scalar(select(Referral.id).where(Referral.case_id == case.id, Referral.state != "closed")):
        raise ReferralRefused("referral_exists", "the case already has a referral that is not closed")
    referral = Referral(case=case, household_id=case.household_id, county_id=case.county_id,
                        township_id=case.township_id, category=case.category,
                        category_kind=case.category.split(":", 1)[0], need=need[:1000], gap_money=amount,
                        gap_goods=goods and goods[:500], gap_services=services and services[:500], state="open",
                        referred_by_id=user.id, referred_at=now or utcnow())
    session.add(referral)
    with acting(session, user.id, "refer"):
        session.flush()
    return referral


def _charity_of(user) -> int:
    if user_scope(user) != "charity" or getattr(user, "charity_id", None) is None:
        raise ReferralRefused("not_charity_staff", "only staff of a charity claim and help")
    return user.charity_id


def claim(session: Session, referral: Referral, user, now: dt.datetime | None = None) -> Referral:
    """Claim a referral for the user's charity. Exclusive: of two concurrent claims exactly one wins;
    the other is refused with ``already_claimed``."""
    charity_id = _charity_of(user)
    now = now or utcnow()
    values = {"state": "claimed", "claimed_by_charity_id": charity_id, "claimed_by_id": user.id,
              "claimed_at": now, "aided_at": None}
    if _swap(session, referral, "claim", user.id, [Referral.state.in_(POOL_STATES),
                                                    Referral.fits_charity(charity_id)], values):
        return referral
    if referral.state not in POOL_STATES:
        raise ReferralRefused("already_claimed", "another charity claimed or closed this referral first")
    raise ReferralRefused("not_fit", "no project of your charity serves this referral")


def release(session: Session, referral: Referral, user, note: str | None = None) -> Referral:
    """Give a claim back to the pool before any aid was recorded under it."""
    charity_id = _charity_of(user)
    values = {"state": "returned", "claimed_by_charity_id": None, "claimed_by_id": None, "claimed_at": None}
    if not _swap(session, referral, "release", user.id, [Referral.state == "claimed",
                 Referral.claimed_by_charity_id == charity_id, Referral.aided_at.is_(None)], values, note):
        raise ReferralRefused("not_releasable", "only your own claim without recorded aid can be released")
    return referral


def _project_fits(session: Session, project: CharityProject, referral: Referral) -> bool:
    return session.scalar(select(CharityProject.id).where(CharityProject.id == project.id, fit_clause(
        CharityProject, referral.category, referral.category_kind, referral.township_id,
        referral.county_id))) is not None


def record_aid(session: Session, referral: Referral, user, project: CharityProject, kind: str, amount,
               description: str | None = None, now: dt.datetime | None = None) -> AidRecord:
    """Record aid given on a claimed referral from one of the charity's projects: the project's remaining
    budget falls by the amount (money) or value (goods, services) in one conditional UPDATE that never
    takes it below zero. Refused, with nothing changed, if the claim is no longer the charity's."""
    charity_id = _charity_of(user)
    now = now or utcnow()
    if kind not in AID_KINDS:
        raise ReferralRefused("kind_invalid", f"the kind of aid is one of {', '.join(AID_KINDS)}")
    try:
        value = money(amount if _text(amount) is not None else "", allow_zero=kind != "money")
    except CharityRefused as exc:
        raise ReferralRefused(exc.code, exc.message) from None
    description = _text(description)
    if kind != "money" and description is None:
        raise ReferralRefused("field_required:description", "describe the goods or services given")
    if project is None or project.charity_id != charity_id:
        raise ReferralRefused("project_not_yours", "the project is not your charity's")
    if not _project_fits(session, project, referral):
        raise ReferralRefused("project_does_not_fit", "the project does not serve this referral")
    session.flush()
    with session.begin_nested():  # the two UPDATEs and the record stand or fall together (a refusal undoes)
        touched = session.execute(
            update(Referral).where(Referral.id == referral.id, Referral.state == "claimed",
                                   Referral.claimed_by_charity_id == charity_id)
            .values(aided_at=func.coalesce(Referral.aided_at, _stamp(now)))
            .execution_options(synchronize_session=False))
        if touched.rowcount != 1:
            raise ReferralRefused("not_claimed", "the referral is not claimed by your charity")
        left = None
        if value > 0:
            row = session.execute(
                update(CharityProject)
                .where(CharityProject.id == project.id, CharityProject.remaining - literal(value) > -HALF_FEN)
                .values(remaining=round_fen(CharityProject.remaining - literal(value)))
                .returning(CharityProject.remaining)
                .execution_options(synchronize_session=False)).first()
            if row is None:
                raise ReferralRefused("budget_exceeded", "the project has less left than this")
            left = fen(row[0])
        record = AidRecord(referral_id=referral.id, case_id=referral.case_id, household_id=referral.household_id,
                           project_id=project.id, charity_id=charity_id, county_id=referral.county_id,
                           township_id=referral.township_id, kind=kind, amount=value,
                           description=description and description[:500], at=now, user_id=user.id)
        session.add(record)
        with acting(session, user.id, "aid"):
            session.flush()
        if left is not None:
            session.add(AuditEntry(at=utcnow(), user_id=user.id, target="charity_project", target_id=project.id,
                                   case_id=referral.case_id, action="aid", before={"remaining": str(left + value)},
                                   after={"remaining": str(left)}, note=f"aid_record {record.id}"))
            session.flush()
    session.expire(referral)
    session.expire(project, ["remaining"])
    return record


def close(session: Session, referral: Referral, user, note: str | None = None,
          now: dt.datetime | None = None) -> Referral:
    """The claiming charity closes the referral once it has recorded its aid."""
    charity_id = _charity_of(user)
    values = {"state": "closed", "closed_at": now or utcnow(), "note": _text(note) and _text(note)[:500]}
    if not _swap(session, referral, "close", user.id, [Referral.state == "claimed",
                 Referral.claimed_by_charity_id == charity_id, Referral.aided_at.is_not(None)], values, note):
        raise ReferralRefused("not_closable", "only your own claim with recorded aid can be closed")
    return referral


def withdraw(session: Session, referral: Referral, user, note: str,
             now: dt.datetime | None = None) -> Referral:
    """The referring side withdraws a referral nobody has claimed (the need was met otherwise)."""
    if not in_scope(referral, user) or user_scope(user) == "charity":
        raise ReferralRefused("scope", "referral outside your jurisdiction")
    if _text(note) is None:
        raise ReferralRefused("field_required:note", "say why the referral is withdrawn")
    values = {"state": "closed", "closed_at": now or utcnow(), "note": _text(note)[:500]}
    if not _swap(session, referral, "withdraw", user.id, [Referral.state.in_(POOL_STATES)], values, note):
        raise ReferralRefused("not_withdrawable", "a claimed or closed referral is not withdrawn")
    return referral


def return_stale(session: Session, rules, now: dt.datetime | None = None) -> list[int]:
    """Return to the pool every claim with no aid recorded within its county's
    ``charity.claim_return_days``; the ids returned. Run daily (``tempaid referrals return-stale``)."""
    now = now or utcnow()
    today = now.astimezone(CST).date()
    counties = session.execute(
        select(Region.id, Region.code).where(Region.id.in_(
            select(Referral.county_id).where(Referral.state == "claimed", Referral.aided_at.is_(None))))).all()
    returned: list[int] = []
    for county_id, code in counties:
        try:
            days = rules.effective(code, today)["charity"]["claim_return_days"]["value"]
        except KeyError:
            continue  # a county without a rule file keeps its claims
        if not days:
            continue
        cutoff = now - dt.timedelta(days=int(days))
        stale = [Referral.state == "claimed", Referral.aided_at.is_(None), Referral.claimed_at < cutoff]
        for referral in session.scalars(select(Referral).where(Referral.county_id == county_id, *stale)).all():
            values = {"state": "returned", "claimed_by_charity_id": None, "claimed_by_id": None,
                      "claimed_at": None}
            if _swap(session, referral, "return", None, stale, values, f"no aid within {days} days"):
                returned.append(referral.id)
    return returned


def visible(session: Session, referral_id, user) -> Referral | None:
    """The referral if the user may see it (jurisdiction, or the charity filter), else None."""
    return session.scalar(select(Referral).where(Referral.id == referral_id, scope_clause(Referral, user)))
