"""The month's disclosure lists (公示, 二、(四) 阳光救助) posted by the schedule: each county's list of the
month before, on its last allowed day (``disclosure.working_days`` after the month, the documents work's
:func:`app.services.disclosures.due_on`), unless the office posted it already by hand — the same
:func:`~app.services.disclosures.post_list` a person uses, so the posted list is frozen alike.

Posting on the last allowed day leaves the office every day the county gives to record late payments; an
empty list (nothing paid that month) is not posted, so a payment recorded late can still be. The acting
user is the account the installation names for it (``JOBS_DISCLOSURE_USER``, city scope): every posting
carries a person in the audit trail, never nobody.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Region
from app.rules.inputs import CST
from app.services.ledgers import Month, disclosure_list


def previous_month(today: dt.date) -> Month:
    return Month.of(today.replace(day=1) - dt.timedelta(days=1))


def post_due(session: Session, user, rules, now: dt.datetime) -> list:
    """Post every county's list of the month before ``now`` (China time) that is due today or overdue,
    not posted yet and not empty; the postings made (flushed, not committed)."""
    from app.services.disclosures import due_on, post_list, posting_of  # the documents work (#15)

    today = now.astimezone(CST).date()
    month = previous_month(today)
    posted = []
    for county in session.scalars(select(Region).where(Region.level == "county").order_by(Region.code)):
        if rules.county(county.code) is None or today < due_on(rules, county.code, month):
            continue
        if posting_of(session, county, month) is not None or not disclosure_list(session, user, county.id, month).rows:
            continue
        posted.append(post_list(session, user, county.id, month, rules, now=now))
    return posted
