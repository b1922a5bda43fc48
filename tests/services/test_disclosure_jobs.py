"""The schedule posts each county's disclosure list of the month before on its last allowed day
(``disclosure.working_days`` after the month), once, through the same posting as a person's; a county
that posted by hand, or paid nothing that month, is left alone. Needs the documents work's posting
(app/services/disclosures.py, issue #15)."""
from __future__ import annotations

import datetime as dt

import pytest

pytest.importorskip("app.services.disclosures", reason="the monthly posting comes with the documents work (#15)")

from app.rules.inputs import CST  # noqa: E402
from app.services.disclosure_jobs import post_due, previous_month  # noqa: E402
from app.services.disclosures import due_on, posting_of  # noqa: E402
from app.services.payments import record_payment  # noqa: E402
from tests.payment_support import NOW, emergency_case, user  # noqa: E402


def test_last_month_is_posted_on_its_last_allowed_day_once(app, session, rules):
    case = emergency_case(app, session, rules, "800")
    record_payment(session, case, user(app, "township_caseworker_370811"), "cash", "800", rules,
                   paid_on="2026-11-20", now=NOW)
    city = user(app, "city_bureau")
    month = previous_month(dt.date(2026, 12, 5))
    assert str(month) == "2026-11"
    last_day = due_on(rules, "370811", month)
    assert last_day > dt.date(2026, 12, 1)  # Jining: 10 working days after the month
    day_before = dt.datetime.combine(last_day - dt.timedelta(days=1), dt.time(6), CST)
    assert post_due(session, city, rules, day_before) == []
    on_the_day = dt.datetime.combine(last_day, dt.time(6), CST)
    [posting] = post_due(session, city, rules, on_the_day)
    county = case.county
    assert posting_of(session, county, month) is posting and posting.posted_on == last_day
    assert posting.households == 1
    assert post_due(session, city, rules, on_the_day + dt.timedelta(days=1)) == []  # posted once; 曲阜市 paid nothing
