"""The finest grain of the dashboards: each figure's raw sums per township and kind, in one pass.

Why: a dashboard shows the area's totals, the breakdown one level down and the split by kind. Asking
the database three times (and each figure on its own) was some forty aggregates per page; here each
kind of row is aggregated once, grouped by township (and kind where the row has one), about a dozen
queries in all, and the totals, the breakdown and the kinds are sums of those few hundred grouped rows
(:mod:`app.reports.indicators`). Only additive quantities are kept at this grain — counts, sums, the
clocks' settled and on-time counts, a histogram of days to payment — so every roll-up is exact.

A cell is keyed ``(township_id, kind, category)`` — category the rule files' ``<kind>:<code>`` (illness,
incident …) of the case; rows that carry no kind (referrals, charity aid, funds, payments, leads,
accountability records) use the kind and the category ``None``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import and_, case as when, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import AidRecord, Case, FundMovement, Household, Payment, Referral, Region, ReserveFund
from app.models.accountability import AccountabilityRecord
from app.models.clock import CaseClock
from app.models.lead import Lead
from app.reports.area import Area, Period, day_number, days_before
from app.services.money import fen, sum_fen

AIDED = and_(Case.approved_amount.is_not(None), Case.decided_at.is_not(None), Case.state != "rejected")


def _yuan(value) -> Decimal:
    return fen(value)


class Grain:
    """``cells[(township_id, kind, category)][quantity]`` plus ``days[(township_id, kind, category)][days] = cases``."""

    def __init__(self):
        self.cells: dict = defaultdict(lambda: defaultdict(int))
        self.days: dict = defaultdict(lambda: defaultdict(int))
        self.county_of: dict[int, int] = {}

    def add(self, township_id, kind, category=None, **values):
        cell = self.cells[(township_id, kind, category)]
        for name, value in values.items():
            cell[name] += value


def new_grain(session: Session) -> Grain:
    grain = Grain()
    grain.county_of = dict(session.execute(select(Region.id, Region.parent_id).where(Region.level == "township")).all())
    return grain


def collect(session: Session, area: Area, period: Period, now: dt.datetime, rules) -> Grain:
    """The direct computation from the rows (the reference the summary tables are checked against)."""
    grain = new_grain(session)
    numbers = county_numbers(session, rules, period.end)
    additive(session, area, period, grain, numbers["repeat"])
    at_now(session, area, period, now, grain)
    finish(grain, numbers)
    return grain


def additive(session: Session, area, period, grain: Grain, repeat_days: dict[int, int] | None) -> None:
    """The quantities no later day changes, of the rows of ``period`` (a :class:`Period`, or any object with
    its ``days`` and ``moments``: the summary's slices) — what a summary cell holds. ``repeat_days``
    None: the repeat count is left out (the caller counts it otherwise)."""
    _cases(session, area, period, grain)
    _clocks(session, area, period, grain)
    _days_to_payment(session, area, period, grain)
    _payments(session, area, period, grain)
    _referrals(session, area, period, grain)
    _funds(session, area, period, grain)
    _accountability(session, area, period, grain)
    _leads(session, area, period, grain)
    if repeat_days is not None:
        _repeat(session, area, period, grain, repeat_days)


def at_now(session: Session, area: Area, period: Period, now: dt.datetime, grain: Grain) -> None:
    """The quantities that move with the clock, never summarised: clocks and leads not met and past due at
    ``now`` (settled, late), overdue now, the reserve funds' balance. Read from the open rows, by the
    partial indexes on them (a small share of all rows)."""
    _open_clocks(session, area, period, now, grain)
    _open_leads(session, area, period, now, grain)
    _balances(session, area, grain)


def finish(grain: Grain, numbers: dict) -> None:
    """Average aid in multiples of the dibao standard: each cell's approved amount over its county's
    standard on the period's last day (a summed cell divides as its cases would)."""
    for (township_id, kind, category), cell in list(grain.cells.items()):
        base = numbers["base"].get(grain.county_of.get(township_id))
        if base and cell.get("aided_cases"):
            cell["_multiple_sum"] += Decimal(cell.get("approved_amount", 0)) / base
            cell["_multiple_n"] += cell["aided_cases"]


def county_numbers(session: Session, rules, day: dt.date) -> dict:
    """Per county (read once per dashboard, not per row): the urban dibao standard and the repeat period."""
    found = {"base": {}, "repeat": {}}
    for county_id, code in session.execute(select(Region.id, Region.code).where(Region.level == "county")).all():
        if rules.county(code) is None:
            continue
        effective = rules.effective(code, day)
        base = effective.get("standards", {}).get("dibao_monthly", {}).get("urban", {}).get("value")
        if base:
            found["base"][county_id] = Decimal(str(base))
        repeat = effective.get("cases", {}).get("repeat_warning_days", {}).get("value")
        if repeat is not None:
            found["repeat"][county_id] = int(repeat)
    return found


def _cases(session, area, period, grain) -> None:
    query = (select(Case.township_id, Case.kind, Case.category, func.count(Case.id).label("cases"),
                    func.sum(when((AIDED, 1), else_=0)).label("aided"),
                    func.sum(when((AIDED, Household.size), else_=0)).label("persons"),
                    func.sum(when((and_(AIDED, Household.passing_through.is_(True)), 1), else_=0)).label("passing"),
                    sum_fen(when((AIDED, Case.approved_amount), else_=None)).label("approved"))
             .join(Household, Household.id == Case.household_id)
             .where(area.clause(Case), period.days(Case.application_date))
             .group_by(Case.township_id, Case.kind, Case.category))
    for row in session.execute(query):
        grain.add(row.township_id, row.kind, row.category, cases=row.cases, aided_cases=int(row.aided or 0),
                  aided_persons=int(row.persons or 0), passing_aided=int(row.passing or 0),
                  approved_amount=_yuan(row.approved), emergency_cases=row.cases if row.kind == "emergency" else 0)


def _clocks(session, area, period, grain) -> None:
    """Met clocks (a clock is settled once met or past due; the past-due open ones are :func:`_open_clocks`)."""
    on_time = CaseClock.met_at <= CaseClock.due_at
    query = (select(CaseClock.township_id, CaseClock.kind, CaseClock.category, CaseClock.name,
                    func.count(CaseClock.id).label("met"), func.sum(when((on_time, 1), else_=0)).label("on_time"))
             .where(area.clause(CaseClock), period.days(CaseClock.application_date), CaseClock.met_at.is_not(None))
             .group_by(CaseClock.township_id, CaseClock.kind, CaseClock.category, CaseClock.name))
    for row in session.execute(query):
        grain.add(row.township_id, row.kind, row.category, **{f"_met_{row.name}": int(row.met or 0),
                                                              f"_on_time_{row.name}": int(row.on_time or 0)})


def _open_clocks(session, area, period, now, grain) -> None:
    """Clocks not met and past due: *overdue now* whatever the period, and settled (late) when their case
    lies in the period — one pass over the open clocks' index (it carries every column read here)."""
    in_period = when((period.days(CaseClock.application_date), 1), else_=0)
    query = (select(CaseClock.township_id, CaseClock.kind, CaseClock.category, CaseClock.name, func.count(),
                    func.sum(in_period))
             .where(area.clause(CaseClock), CaseClock.met_at.is_(None), CaseClock.due_at < now)
             .group_by(CaseClock.township_id, CaseClock.kind, CaseClock.category, CaseClock.name))
    for township_id, kind, category, name, overdue, late in session.execute(query):
        grain.add(township_id, kind, category, overdue_now=overdue, **{f"_open_due_{name}": int(late or 0)})


def _days_to_payment(session, area, period, grain) -> None:
    """A histogram: how many aided cases had their first payment (stage 1) so many days after their
    application. Stage 1 is the first payment recorded on a case (a reversed one too: it was paid)."""
    days = day_number(session, Payment.paid_on) - day_number(session, Case.application_date)
    query = (select(Case.township_id, Case.kind, Case.category, days.label("d"), func.count(Case.id))
             .join(Payment, and_(Payment.case_id == Case.id, Payment.stage == 1))
             .where(area.clause(Case), period.days(Case.application_date), AIDED)
             .group_by(Case.township_id, Case.kind, Case.category, days))
    for township_id, kind, category, n_days, count in session.execute(query):
        grain.days[(township_id, kind, category)][int(n_days)] += count


def _payments(session, area, period, grain) -> None:
    query = (select(Payment.township_id, Payment.method, sum_fen(Payment.amount))
             .where(area.clause(Payment), period.days(Payment.paid_on))
             .group_by(Payment.township_id, Payment.method))
    for township_id, method, amount in session.execute(query):
        grain.add(township_id, None, **{f"paid_{method}": _yuan(amount), "paid_total": _yuan(amount)})


def _referrals(session, area, period, grain) -> None:
    made, claimed, closed = (period.moments(Referral.referred_at), period.moments(Referral.claimed_at),
                             period.moments(Referral.closed_at))
    query = (select(Referral.township_id, func.sum(when((made, 1), else_=0)), func.sum(when((claimed, 1), else_=0)),
                    func.sum(when((closed, 1), else_=0)))
             .where(area.clause(Referral), or_(made, claimed, closed)).group_by(Referral.township_id))
    for township_id, n_made, n_claimed, n_closed in session.execute(query):
        grain.add(township_id, None, referrals_made=int(n_made or 0), referrals_claimed=int(n_claimed or 0),
                  referrals_closed=int(n_closed or 0))
    aid = (select(AidRecord.township_id, func.count(AidRecord.id), sum_fen(AidRecord.amount))
           .where(area.clause(AidRecord), period.moments(AidRecord.at)).group_by(AidRecord.township_id))
    for township_id, count, amount in session.execute(aid):
        grain.add(township_id, None, charity_aid_count=count, charity_aid_amount=_yuan(amount))


def _funds(session, area, period, grain) -> None:
    allocation = FundMovement.kind.in_(("allocation_own", "allocation_county"))
    query = (select(FundMovement.township_id, sum_fen(when((allocation, FundMovement.amount), else_=0)),
                    sum_fen(when((FundMovement.kind == "draw", -FundMovement.amount), else_=0)))
             .where(area.clause(FundMovement), period.moments(FundMovement.at)).group_by(FundMovement.township_id))
    for township_id, allocated, drawn in session.execute(query):
        grain.add(township_id, None, fund_allocated=_yuan(allocated), fund_drawn=_yuan(drawn))


def _balances(session, area, grain) -> None:
    balances = select(ReserveFund.township_id, sum_fen(ReserveFund.balance)).where(area.clause(ReserveFund)) \
        .group_by(ReserveFund.township_id)
    for township_id, balance in session.execute(balances):
        grain.add(township_id, None, fund_balance=_yuan(balance))


def _accountability(session, area, period, grain) -> None:
    query = (select(AccountabilityRecord.township_id, AccountabilityRecord.cause, func.count(AccountabilityRecord.id))
             .where(area.clause(AccountabilityRecord), period.moments(AccountabilityRecord.at))
             .group_by(AccountabilityRecord.township_id, AccountabilityRecord.cause))
    for township_id, cause, count in session.execute(query):
        grain.add(township_id, None, **{f"accountability_{cause}": count})


def _leads(session, area, period, grain) -> None:
    """The leads' response clock (``leads.first_contact_hours``, fixed on the lead when reported): a lead
    counts in the period of its report; it is *settled* once handled (accepted, merged or closed) or past
    due (:func:`_open_leads`), *on time* when handled by its due moment."""
    handled = Lead.handled_at.is_not(None)
    on_time = and_(handled, Lead.handled_at <= Lead.first_contact_due)
    query = (select(Lead.township_id, func.count(Lead.id), func.sum(when((handled, 1), else_=0)),
                    func.sum(when((on_time, 1), else_=0)))
             .where(area.clause(Lead), period.moments(Lead.reported_at)).group_by(Lead.township_id))
    for township_id, count, n_handled, n_on_time in session.execute(query):
        grain.add(township_id, None, leads_reported=count, _handled_lead=int(n_handled or 0),
                  _on_time_lead=int(n_on_time or 0))


def _open_leads(session, area, period, now, grain) -> None:
    """Open leads past due: settled (late) when reported in the period; *overdue now* whatever the period."""
    late = (select(Lead.township_id, func.count(Lead.id))
            .where(area.clause(Lead), Lead.handled_at.is_(None), Lead.first_contact_due < now,
                   period.moments(Lead.reported_at)).group_by(Lead.township_id))
    for township_id, count in session.execute(late):
        grain.add(township_id, None, _open_due_lead=count)
    overdue = (select(Lead.township_id, func.count(Lead.id))
               .where(area.clause(Lead), Lead.state == "new", Lead.first_contact_due < now)
               .group_by(Lead.township_id))
    for township_id, count in session.execute(overdue):
        grain.add(township_id, None, leads_overdue_now=count)


def _repeat(session, area, period, grain, repeat_days: dict[int, int]) -> None:
    """Aided cases whose household was aided before within its county's repeat period (one query)."""
    if not repeat_days:
        return
    prior = aliased(Case)
    window = when(*((Case.county_id == county_id, n) for county_id, n in repeat_days.items()), else_=None)
    # the window's first day, as a value of the outer row: the prior case is found by the index
    # (household_id, application_date), not by computing on every prior row
    earlier = exists(select(prior.id).where(
        prior.household_id == Case.household_id, prior.id != Case.id,
        prior.application_date <= Case.application_date,
        prior.application_date >= days_before(session, Case.application_date, window),
        prior.approved_amount.is_not(None), prior.decided_at.is_not(None), prior.state != "rejected",
        or_(prior.application_date < Case.application_date, prior.id < Case.id)))
    query = (select(Case.township_id, Case.kind, Case.category, func.count(Case.id))
             .where(area.clause(Case), period.days(Case.application_date), AIDED, earlier)
             .group_by(Case.township_id, Case.kind, Case.category))
    for township_id, kind, category, count in session.execute(query):
        grain.add(township_id, kind, category, repeat_aid=count)
