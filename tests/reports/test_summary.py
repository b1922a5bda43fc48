"""The summary tables give the very figures the rows give (the direct computation is the reference):
over random months of cases — clocks on either side of their due moment and open ones, reversals,
referrals, charity aid, fund movements, accountability records, leads, repeats — for the city, a county
and a township, over whole months, partial months and several years; before any write, after writes
that leave their cells stale, and after the refresh that rebuilds them."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Case, Payment, Referral, Region
from app.models.lead import Lead
from app.models.summary import DashboardCell, DashboardStale
from app.reports import summary
from app.reports.area import Area, Period
from app.reports.grain import collect as direct
from app.reports.indicators import complete, roll_up
from tests.payment_support import user
from app.services.summary_marks import _month as summary_month
from tests.reports.builder import build, moment, townships

NOW = moment("2026-11-27T10:00:00+08:00")
CATEGORIES = ("illness:uremia", "illness:leukemia", "incident:fire")
PERIODS = [("2026-11-01", "2026-11-30"), ("2026-10-15", "2026-11-20"), ("2026-01-01", "2026-11-27"),
           ("2025-06-01", "2026-12-31"), ("2026-11-03", "2026-11-03")]


def _day(rng, first=dt.date(2026, 9, 1), span=110) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(span))


def _moment(day: dt.date, rng) -> str:
    return f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+08:00"


def random_table(seed: int) -> dict:
    """A month's worth of rows in the shape of indicator_cases.yaml, drawn at random."""
    rng = random.Random(seed)
    cases, referrals, leads = {}, [], []
    for n in range(rng.randrange(12, 22)):
        kind = rng.choice(("emergency", "expenditure"))
        category = CATEGORIES[n % 3] if kind == "expenditure" else "incident:fire"
        applied = _day(rng)
        decided = rng.random() < 0.7
        refused = decided and rng.random() < 0.15
        approved = None if refused or not decided else str(rng.randrange(200, 3000))
        due = applied + dt.timedelta(days=rng.choice((1, 5, 20)))
        met = None if rng.random() < 0.3 else _moment(applied + dt.timedelta(days=rng.randrange(0, 25)), rng)
        clocks = {"pre_assist_due" if kind == "emergency" else "decision_due": [due.isoformat(), met]}
        if kind == "emergency" and rng.random() < 0.5:
            clocks["registration_due"] = [(applied + dt.timedelta(days=7)).isoformat(), None]
        payments = []
        if approved:
            paid = applied + dt.timedelta(days=rng.randrange(0, 15))
            method = rng.choice(("bank_transfer", "cash", "in_kind"))
            if rng.random() < 0.2:  # recorded twice by mistake, reversed
                payments += [[method, approved, paid.isoformat()], ["reverse", f"-{approved}", paid.isoformat()]]
            payments.append([method, approved, (paid + dt.timedelta(days=rng.randrange(3))).isoformat()])
        row = {"township": rng.choice(("T1", "T2")), "kind": kind, "category": category,
               "applied": applied.isoformat(), "state": "closed" if decided else "accepted", "size": rng.randrange(1, 6),
               "passing": rng.random() < 0.1, "deadlines": clocks, "payments": payments}
        if approved:
            row["approved"] = approved
        if refused:
            row["rejected"], row["state"] = True, "rejected"
        if n % 4 == 1:  # two cases of one household, months apart: a repeat when both are aided
            row["household"] = f"H{n - 1}"
            row["state"] = "closed"
        if n % 4 == 0:
            row["household"] = f"H{n}"
            row["state"] = "closed" if decided else row["state"]
        cases[f"C{n}"] = row
    labels = sorted(cases)
    for label in rng.sample(labels, 4):
        at = _day(rng)
        referrals.append([label, _moment(at, rng), _moment(at + dt.timedelta(days=2), rng),
                          _moment(at + dt.timedelta(days=rng.randrange(3, 40)), rng) if rng.random() < 0.6 else None])
    for _ in range(rng.randrange(3, 8)):
        reported = _day(rng)
        due = _moment(reported + dt.timedelta(days=rng.choice((1, 3))), rng)
        handled = _moment(reported + dt.timedelta(days=rng.randrange(0, 5)), rng) if rng.random() < 0.6 else None
        leads.append([rng.choice(("T1", "T2")), _moment(reported, rng), due, handled, "accepted" if handled else "new"])
    return {"cases": cases, "referrals": referrals,
            "charity_aid": [[0, "300", referrals[0][1]]],
            "fund": [["allocation_county", "6000", "2026-09-01T08:00:00+08:00"], ["draw", "-800", _moment(_day(rng), rng)],
                     ["allocation_own", "500", _moment(_day(rng), rng)]],
            "accountability": [[labels[0], "decision_due", "objective", _moment(_day(rng), rng)]],
            "leads": leads}


def _areas(session) -> list[Area]:
    county = session.scalar(select(Region).where(Region.code == "370811"))
    town = townships(session)["T2"]
    return [Area("city", None), Area("county", county.id), Area("township", town.id)]


def _agree(session, rules, where: str) -> None:
    for area in _areas(session):
        for start, end in PERIODS:
            period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
            reference, fast = direct(session, area, period, NOW, rules), summary.collect(session, area, period, NOW, rules)
            for group in (None, "region", "kind", "category"):
                expected, got = roll_up(area, reference, group), roll_up(area, fast, group)
                assert set(got) == set(expected), (where, area, period, group)
                for key in expected:
                    assert complete(got[key], group) == complete(expected[key], group), (where, area, period, group, key)


def _write_some(session, app, rng) -> None:
    """Writes through the ORM, as the services make them: a new aided case of a household aided before (a
    repeat, in another month), a household grown, a clock met late, a payment reversed, a referral closed,
    a lead answered."""
    caseworker = user(app, "township_caseworker_370811")
    cases = list(session.scalars(select(Case).where(Case.number.like("T%")).order_by(Case.id)))
    aided = rng.choice([c for c in cases if c.approved_amount is not None and c.state != "rejected"])
    later = aided.application_date + dt.timedelta(days=40)
    session.add(Case(number=f"TNEW{later:%Y%m%d}", household_id=aided.household_id, county_id=aided.county_id,
                     township_id=aided.township_id, kind="expenditure", category="illness:other-new", flow="expenditure",
                     state="closed", application_date=later, inputs={}, rules_digest="test", eligible=True,
                     verdict={"eligible": True}, approval_level="township", approved_amount=Decimal("700"),
                     decided_at=moment(f"{later.isoformat()}T12:00:00+08:00"), deadlines={}, created_by_id=caseworker.id))
    rng.choice(cases).household.size += 2
    clocked = rng.choice([c for c in cases if c.deadlines])
    clocked.deadlines = {name: {**entry, "met": "2026-11-26T10:00:00+08:00"} for name, entry in clocked.deadlines.items()}
    payment = session.scalars(select(Payment).where(Payment.reverses_id.is_(None)).order_by(Payment.id)).first()
    session.add(Payment(case_id=payment.case_id, household_id=payment.household_id, county_id=payment.county_id,
                        township_id=payment.township_id, stage=99, method=payment.method, amount=-payment.amount,
                        paid_on=dt.date(2026, 11, 20), paid_by_id=caseworker.id, reverses_id=payment.id))
    referral = session.scalars(select(Referral).order_by(Referral.id)).first()
    referral.closed_at = moment("2026-11-25T09:00:00+08:00")
    lead = session.scalars(select(Lead).where(Lead.handled_at.is_(None)).order_by(Lead.id)).first()
    if lead is not None:
        lead.state, lead.handled_at = "accepted", moment("2026-11-26T09:00:00+08:00")
    session.flush()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_gives_the_figures_of_the_rows(app, session, rules, seed):
    build(session, user(app, "township_caseworker_370811"), random_table(seed))
    _agree(session, rules, "nothing built: every month from the rows")
    months = summary.rebuild(session, rules, NOW.date())
    assert months and session.scalar(select(func.count(DashboardCell.id))) > 0
    assert session.scalar(select(func.count(DashboardStale.id))) == 0
    _agree(session, rules, "built")
    _write_some(session, app, random.Random(seed))
    assert session.scalar(select(func.count(DashboardStale.id))) > 0, "the writes marked their months"
    _agree(session, rules, "after writes, before the refresh")
    assert summary.refresh(session, rules, NOW.date()) > 0
    assert session.scalar(select(func.count(DashboardStale.id))) == 0
    _agree(session, rules, "refreshed")


def test_a_dashboard_reads_the_summary_not_the_rows(app, session, rules):
    """Once built, the cells are what a dashboard adds up: a cell changed behind the hooks' back shows."""
    build(session, user(app, "township_caseworker_370811"), random_table(4))
    summary.rebuild(session, rules, NOW.date())
    area, period = _areas(session)[1], Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    before = complete(roll_up(area, summary.collect(session, area, period, NOW, rules), None)[None])
    cell = session.scalars(select(DashboardCell).where(DashboardCell.month == dt.date(2026, 10, 1),
                                                       DashboardCell.county_id == area.region_id)).first()
    cell.cases += 1000
    session.flush()
    after = complete(roll_up(area, summary.collect(session, area, period, NOW, rules), None)[None])
    assert after["cases"] == before["cases"] + 1000


def test_a_referral_step_written_by_a_bulk_update_is_marked_too(app, session, rules):
    """The referral services move a referral by a conditional UPDATE (no session hook sees it): closing
    one in another month still changes the figures the dashboards read."""
    from app.services.referrals import _swap

    build(session, user(app, "township_caseworker_370811"), random_table(5))
    summary.rebuild(session, rules, NOW.date())
    referral = session.scalars(select(Referral).where(Referral.closed_at.is_(None)).order_by(Referral.id)).first() \
        or session.scalars(select(Referral).order_by(Referral.id)).first()
    assert _swap(session, referral, "close", None, [], {"state": "closed", "closed_at": moment("2026-10-03T09:00:00+08:00")})
    assert session.scalar(select(func.count(DashboardStale.id))) > 0
    _agree(session, rules, "after a bulk update")


@pytest.mark.parametrize("seed", [6])
def test_the_monthly_trend_from_the_summary_is_the_trend_of_the_rows(app, session, rules, seed):
    from app.reports import trend

    build(session, user(app, "township_caseworker_370811"), random_table(seed))
    areas, last = _areas(session), dt.date(2026, 12, 10)
    for area in areas:
        assert trend.trend(session, area, last) == trend.direct(session, area, last), "nothing built"
    summary.rebuild(session, rules, NOW.date())
    for area in areas:
        assert trend.trend(session, area, last) == trend.direct(session, area, last), "built"
    _write_some(session, app, random.Random(seed))
    for area in areas:
        assert trend.trend(session, area, last) == trend.direct(session, area, last), "stale"
    assert any(m.cases for m in trend.trend(session, areas[0], last)), "a trend with nothing in it proves nothing"


def test_a_write_to_a_row_expired_by_a_commit_is_marked(app, session, rules):
    """After a commit every loaded row is expired; a service that then changes one column still marks
    the row's township-month (its township and day are loaded to say which)."""
    build(session, user(app, "township_caseworker_370811"), random_table(7))
    summary.rebuild(session, rules, NOW.date())
    lead = session.scalars(select(Lead).order_by(Lead.id)).first()
    session.expire(lead)
    lead.first_contact_due = moment("2026-12-31T10:00:00+08:00")
    session.flush()
    assert session.scalar(select(func.count(DashboardStale.id))) == 1
    _agree(session, rules, "after a write to an expired row")


def test_a_row_deleted_after_a_commit_expired_it_is_marked(app, session, rules):
    """A lead loaded, expired by a commit and then deleted (cases and payments never are; the delete reloads it): its
    township-month is marked stale, so the cells never count a lead that is gone."""
    build(session, user(app, "township_caseworker_370811"), random_table(8))
    summary.rebuild(session, rules, NOW.date())
    lead = session.scalars(select(Lead).where(Lead.case_id.is_(None)).order_by(Lead.id)).first()
    assert lead is not None
    township, month = lead.township_id, summary_month(lead.reported_at)
    session.expire(lead)
    session.delete(lead)
    session.flush()
    marked = set(session.execute(select(DashboardStale.township_id, DashboardStale.month)).all())
    assert marked == {(township, month)}
    _agree(session, rules, "after a lead deleted")


def test_a_township_month_is_never_counted_twice(app, session, rules):
    """Two builds of the same month (a rebuild beside a refresh on another worker) cannot both land: the
    cells are unique per township, month, kind and category, so the second fails instead of adding."""
    from sqlalchemy.exc import IntegrityError

    from app.reports.grain import county_numbers, new_grain

    build(session, user(app, "township_caseworker_370811"), random_table(9))
    summary.rebuild(session, rules, NOW.date())
    month = session.scalar(select(DashboardCell.month).order_by(DashboardCell.month))
    cells = session.scalar(select(func.count(DashboardCell.id)))
    repeat_days = county_numbers(session, rules, NOW.date())["repeat"]
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            summary._build_month(session, Area("city", None), month, repeat_days, new_grain(session).county_of)
    assert session.scalar(select(func.count(DashboardCell.id))) == cells
