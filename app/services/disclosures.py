"""Posting a month's disclosure list (公示) and keeping it as posted.

阳光救助 (二、（四）) and the county's public-affairs catalogue ask for the recipients, amounts and reasons
to be published within ``disclosure.working_days`` working days (Jining 10): a month's list — county-wide
or one township's, :func:`app.services.ledgers.disclosure_list` — is posted once the month is over, by
``due_on`` (that many working days after the month's last day, on the official calendar). Posting records
the day it went up and freezes the list: its rows, households and total are copied into the posting, so a
later payment, reversal or rule edit never changes what the public saw. A posted list is never posted
again nor changed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import DisclosurePosting
from app.models.audit import utcnow
from app.rules import RuleSet
from app.rules.inputs import CST
from app.services.audit import acting
from app.services.ledgers import Disclosure, LedgerRefused, Month, disclosure_list, list_region, posting_key

DAYS_KEY = "disclosure.working_days"


def posting_of(session: Session, region, month: Month) -> DisclosurePosting | None:
    county_id, township_key = posting_key(region)
    return session.scalar(select(DisclosurePosting).where(
        DisclosurePosting.county_id == county_id, DisclosurePosting.township_key == township_key,
        DisclosurePosting.month == str(month)))


def due_on(rules: RuleSet, county_code: str, month: Month) -> dt.date:
    """The last day the month's list may go up: ``disclosure.working_days`` working days after the
    month's last day; a county without the key: the month's last day itself."""
    last = month.next - dt.timedelta(days=1)
    county = rules.county(county_code)
    val = county.params(last).get(DAYS_KEY) if county else None
    days = int(val.value) if val is not None and val.value is not None else 0
    return rules.calendar.add_working_days(last, days)[0] if days else last


def _frozen(row: dict) -> dict:
    return {**row, "amount": str(row["amount"]), "first_paid_on": row["first_paid_on"].isoformat()}


def _thawed(row: dict) -> dict:
    return {**row, "amount": Decimal(row["amount"]), "first_paid_on": dt.date.fromisoformat(row["first_paid_on"])}


def shown_list(session: Session, user, region_id, month: Month) -> tuple[Disclosure, DisclosurePosting | None]:
    """The list as the public sees it: as posted when it was posted, else as it stands now."""
    region = list_region(session, user, region_id)
    posting = posting_of(session, region, month)
    if posting is None:
        return disclosure_list(session, user, region_id, month), None
    return Disclosure(region, month, [_thawed(row) for row in posting.rows], posting.households,
                      Decimal(posting.total).quantize(Decimal("0.01"))), posting


def posted_list(session: Session, region, month: Month) -> Disclosure | None:
    """The month's list as it was posted (a township's, or a county's whole list), for the public pages
    (公示, app/public): None while it is not posted. No user: only posted lists, masked, are shown."""
    posting = posting_of(session, region, month)
    if posting is None:
        return None
    return Disclosure(region, month, [_thawed(row) for row in posting.rows], posting.households,
                      Decimal(posting.total).quantize(Decimal("0.01")))


def post_list(session: Session, user, region_id, month: Month, rules: RuleSet,
              now: dt.datetime | None = None) -> DisclosurePosting:
    """Post the month's list (after the month, once) and freeze it; refused before the month is over and
    when it was posted already."""
    region = list_region(session, user, region_id)
    today = (now or utcnow()).astimezone(CST).date()
    if today < month.next:
        raise LedgerRefused("month_not_over", "a month's list is posted once the month is over")
    if posting_of(session, region, month) is not None:
        raise LedgerRefused("posted", "the month's list is posted already and stays as it was posted")
    made = disclosure_list(session, user, region_id, month)
    county_id, township_key = posting_key(region)
    county_code = region.code if region.level == "county" else region.parent.code
    posting = DisclosurePosting(county_id=county_id, township_id=township_key or None, township_key=township_key,
                                month=str(month), posted_on=today, due_on=due_on(rules, county_code, month),
                                rows=[_frozen(row) for row in made.rows], households=made.households,
                                total=made.total, posted_by_id=user.id, posted_at=now or utcnow())
    try:
        with acting(session, user.id, "post_disclosure", note=f"{region.code} {month}"), session.begin_nested():
            session.add(posting)
            session.flush()
    except IntegrityError:  # posted by someone else a moment ago
        raise LedgerRefused("posted", "the month's list is posted already and stays as it was posted") from None
    return posting


def late(posting: DisclosurePosting) -> bool:
    return posting.posted_on > posting.due_on
