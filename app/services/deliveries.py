"""Delivery (送达) of decision documents and the clock of undelivered decisions.

Staff record how and when a document reached the applicant — in person (the recipient signs for it), by
post (its tracking number) or by message (to which number or account) — and later the applicant's
acknowledgement. A decision (approval, refusal, 小额快救 registration) with no delivery recorded shows in
the due lists once the county's ``documents.delivery_days`` calendar days have passed since it was made;
a county without the key keeps no such clock. A closed case has left the lists: closing it is the
office's word that nothing is owed any more.

The undelivered list is one query: per county in the user's scope, cases decided before that county's
cut-off with no delivery of a decision document (``NOT EXISTS``), oldest first.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, false, func, literal_column, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import Case, DocumentDelivery, Region
from app.models.audit import utcnow
from app.models.document import DELIVERY_METHODS
from app.rules import RuleSet
from app.rules.inputs import CST
from app.security.scope import county_id_of, in_scope, scope_clause
from app.services.audit import acting
from app.services.deadlines import as_utc, china_midnight
from app.services.documents import DECISIONS, KINDS
from app.services.townships import counties_in_scope

DAYS_KEY = "documents.delivery_days"


class DeliveryRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _text(value, limit: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:limit] if text else None


def _day(value, field: str, earliest: dt.date, today: dt.date) -> dt.date:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise DeliveryRefused(f"field_required:{field}", f"{field} must be a date YYYY-MM-DD") from None
    if not earliest <= day <= today:
        raise DeliveryRefused("date_invalid", f"{field} must lie between the decision and today")
    return day


def deliveries_of(session: Session, case: Case) -> list[DocumentDelivery]:
    return list(session.scalars(select(DocumentDelivery).where(DocumentDelivery.case_id == case.id)
                                .order_by(DocumentDelivery.delivered_on, DocumentDelivery.id)))


def record_delivery(session: Session, case: Case, user, document: str, method: str, delivered_on, recipient,
                    signed: bool = False, reference=None, stage: int | None = None,
                    now: dt.datetime | None = None) -> DocumentDelivery:
    """Record that ``document`` of the case reached ``recipient``. In person needs the signature; post
    and message need the tracking number or where the message went. Nothing is saved on a refusal."""
    if not in_scope(case, user):
        raise DeliveryRefused("scope", "case outside your jurisdiction")
    if document not in KINDS:
        raise DeliveryRefused("document_unknown", "choose the document delivered")
    if method not in DELIVERY_METHODS:
        raise DeliveryRefused("delivery_method_invalid", "choose how the document was delivered")
    if case.decided_at is None:
        raise DeliveryRefused("not_decided", "only a decided case has a document to deliver")
    today = (now or utcnow()).astimezone(CST).date()
    day = _day(delivered_on, "delivered_on", as_utc(case.decided_at).astimezone(CST).date(), today)
    name = _text(recipient, 64)
    if name is None:
        raise DeliveryRefused("field_required:recipient", "say who received the document")
    ref = _text(reference, 64)
    if method == "in_person" and not signed:
        raise DeliveryRefused("signature_required", "a delivery in person is signed for by the recipient")
    if method in ("post", "message") and ref is None:
        raise DeliveryRefused("field_required:reference", "give the tracking number or where the message went")
    delivery = DocumentDelivery(case_id=case.id, document=document, stage=stage, method=method, delivered_on=day,
                                recipient=name, signed=bool(signed) and method == "in_person", reference=ref,
                                recorded_by_id=user.id, recorded_at=now or utcnow())
    session.add(delivery)
    with acting(session, user.id, "deliver", note=f"{document} {method}"):
        session.flush()
    return delivery


def acknowledge(session: Session, delivery: DocumentDelivery, user, on, note=None,
                now: dt.datetime | None = None) -> DocumentDelivery:
    """The applicant's acknowledgement (回执) of a delivered document, once."""
    if not in_scope(delivery.case, user):
        raise DeliveryRefused("scope", "case outside your jurisdiction")
    if delivery.acknowledged_on is not None:
        raise DeliveryRefused("acknowledged", "the acknowledgement is recorded already")
    today = (now or utcnow()).astimezone(CST).date()
    delivery.acknowledged_on = _day(on, "acknowledged_on", delivery.delivered_on, today)
    delivery.acknowledgement = _text(note, 500)
    with acting(session, user.id, "acknowledge", note=delivery.acknowledgement):
        session.flush()
    return delivery


def _cutoffs(session: Session, user, rules: RuleSet, today: dt.date) -> list[tuple[int, dt.datetime]]:
    """``(county id, moment)`` for each county in scope that keeps the clock: decided before the moment
    (China midnight ``delivery_days`` ago) is overdue."""
    out = []
    counties = counties_in_scope(session, user)
    if not counties and county_id_of(getattr(user, "region", None)):  # a township's own county
        counties = [session.get(Region, county_id_of(user.region))]
    for county in counties:
        days = _delivery_days(rules, county.code, today)
        if days is not None:
            out.append((county.id, china_midnight(today - dt.timedelta(days=days))))
    return out


def _undelivered_where(cutoffs: list[tuple[int, dt.datetime]]) -> list:
    """Decided, not closed, no decision document delivered, decided before its county's cutoff."""
    per_county = [and_(Case.county_id == county_id, Case.decided_at < moment) for county_id, moment in cutoffs]
    delivered = exists().where(DocumentDelivery.case_id == Case.id, DocumentDelivery.document.in_(DECISIONS))
    return [Case.decided_at.is_not(None), or_(*per_county) if per_county else false(), ~delivered,
            Case.state != "closed"]


def _with_places():
    """Cases with their household and regions, loaded after the limit (selectin: a join before it would make
    PostgreSQL join every matching case of a city before it sorts)."""
    return select(Case).options(selectinload(Case.household), selectinload(Case.township), selectinload(Case.county))


def undelivered(session: Session, user, rules: RuleSet, now: dt.datetime | None = None,
                limit: int = 50, count_cap: int = 1000) -> tuple[int, list[Case]]:
    """Decided cases in the user's scope whose decision was not delivered in the county's time: the count
    (up to ``count_cap + 1``: more means "more than the cap") and the oldest ``limit`` of them (two
    queries whatever the number; neither reads every decided case of a city)."""
    today = (now or utcnow()).astimezone(CST).date()
    where = [scope_clause(Case, user), *_undelivered_where(_cutoffs(session, user, rules, today))]
    count = session.scalar(select(func.count()).select_from(
        select(literal_column("1")).select_from(Case).where(*where).limit(count_cap + 1).subquery()))
    cases = session.scalars(_with_places().where(*where).order_by(Case.decided_at, Case.id).limit(limit)).all()
    return count, list(cases)


def overdue_deliveries(session: Session, rules: RuleSet, now: dt.datetime,
                       county_code: str | None = None) -> list[tuple[Case, dt.datetime]]:
    """For ``tempaid deadlines`` (no user, every county or one): each decision not delivered within its
    county's ``documents.delivery_days``, with the moment its delivery was due (the end of the day that
    many days after the decision, China time), oldest first. A county whose rules keep no delivery clock
    has none overdue. One query."""
    today = now.astimezone(CST).date()
    query = select(Region).where(Region.level == "county")
    counties = session.scalars(query.where(Region.code == county_code) if county_code else query).all()
    days = {county.id: clock for county in counties if (clock := _delivery_days(rules, county.code, today)) is not None}
    cutoffs = [(county_id, china_midnight(today - dt.timedelta(days=n))) for county_id, n in days.items()]
    cases = session.scalars(_with_places().where(*_undelivered_where(cutoffs)).order_by(Case.decided_at, Case.id))
    return [(case, china_midnight(as_utc(case.decided_at).astimezone(CST).date() + dt.timedelta(days=days[case.county_id] + 1))
             - dt.timedelta(seconds=1)) for case in cases]


def _delivery_days(rules: RuleSet, county_code: str, today: dt.date) -> int | None:
    found = rules.county(county_code)
    val = found.params(today).get(DAYS_KEY) if found else None
    return None if val is None or val.value is None else int(val.value)


__all__ = ["DeliveryRefused", "record_delivery", "acknowledge", "deliveries_of", "undelivered", "overdue_deliveries"]
