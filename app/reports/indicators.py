"""The figures of the county performance-target tables (绩效目标表), each one SQL aggregate over an area.

What counts where (one rule per kind of row, so a figure never depends on when it is asked, except the
ones that say "now"):

- a case counts in the period of its application date; it is *aided* once decided with an approved
  amount (户次: aided cases; 人次: the persons of their households);
- a clock (先行救助, 登记, 审批, 小额快救) counts with its case; it is *settled* once met or past due, and
  *on time* when met by its due moment; the rate is on time ÷ settled; *overdue now* is every clock of
  the area not met and past due at ``now``, whatever the period;
- a payment counts in the period of its payment day, a reversal too (it carries the amount negated, so
  the sums net it out); a fund movement, a referral step, charity aid and an accountability record by
  the moment it was recorded;
- 社会化发放率 = paid by bank ÷ paid; 资金执行率 = paid ÷ allocated to the reserve funds; average aid in
  multiples of the urban dibao standard of the case's county in force on the period's last day;
- repeat aid: an aided case whose household was aided before within the county's ``cases.repeat_warning_days``.

:func:`figures` computes them all for the area, grouped by nothing (the totals), by the regions one
level down (``"region"``), or by kind or category (the case figures; the others are left out there).
No Python loop runs over rows: each query is an aggregate, grouped in SQL; Python only divides.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import Integer, and_, case as when, cast, exists, func, null, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import (AidRecord, Case, FundMovement, Household, Payment, Referral, Region, ReserveFund)
from app.models.accountability import CAUSES, AccountabilityRecord
from app.models.clock import CLOCKS, CaseClock
from app.models.payment import PAYMENT_METHODS
from app.reports.area import Area, Period, day_number
from app.services.money import fen, sum_fen

GROUPS = (None, "region", "kind", "category")

REACH = ("cases", "emergency_cases", "emergency_share", "aided_cases", "aided_persons", "passing_aided",
         "referrals_made", "referrals_claimed", "referrals_closed", "charity_aid_count", "charity_aid_amount")
TIMELINESS = tuple(f"{clock}_rate" for clock in CLOCKS) + ("overdue_now", "median_days_to_payment")
MONEY = ("approved_amount", "paid_total") + tuple(f"paid_{m}" for m in PAYMENT_METHODS) + (
    "bank_share", "aid_dibao_multiple", "fund_allocated", "fund_drawn", "fund_balance", "fund_execution_rate",
    "repeat_aid")
ACCOUNTABILITY = tuple(f"accountability_{cause}" for cause in CAUSES)
ALL = REACH + TIMELINESS + MONEY + ACCOUNTABILITY
#: figures that are counts of cases or people (what small-count suppression hides)
COUNTS = ("cases", "emergency_cases", "aided_cases", "aided_persons", "passing_aided", "referrals_made",
          "referrals_claimed", "referrals_closed", "charity_aid_count", "overdue_now", "repeat_aid") + ACCOUNTABILITY
#: shares and rates (fractions 0..1)
RATES = ("emergency_share", "bank_share", "fund_execution_rate") + tuple(f"{clock}_rate" for clock in CLOCKS)

AIDED = and_(Case.approved_amount.is_not(None), Case.decided_at.is_not(None), Case.state != "rejected")


def ratio(part, whole) -> Decimal | None:
    """``part ÷ whole`` as an exact fraction to four places; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(str(part or 0)) / Decimal(str(whole))).quantize(Decimal("0.0001"))


class _Query:
    """The grouping of one call: the expression each model is grouped by, and the joins it needs."""

    def __init__(self, session: Session, area: Area, period: Period, group: str | None):
        if group not in GROUPS:
            raise ValueError(f"unknown grouping {group!r}")
        self.session, self.area, self.period, self.group = session, area, period, group

    def key(self, model):
        """The grouping expression for ``model`` (None: this model has no such grouping)."""
        if self.group is None:
            return null()
        if self.group == "region":
            return self.area.child_column(model)
        column = "kind" if self.group == "kind" else "category"
        if model is Case:
            return getattr(Case, column)
        if model in (CaseClock, Payment):
            return getattr(Case, column)
        return None

    def joins_case(self, model) -> bool:
        return self.group in ("kind", "category") and model in (CaseClock, Payment)

    def rows(self, model, columns: list, where: list, extra_group=()):
        key = self.key(model)
        if key is None:
            return []
        query = select(key.label("g"), *extra_group, *columns).select_from(model)
        if self.joins_case(model):
            query = query.join(Case, Case.id == model.case_id)
        query = query.where(self.area.clause(model), *where)
        if self.group is not None:
            query = query.group_by(key, *extra_group)
        elif extra_group:
            query = query.group_by(*extra_group)
        return self.session.execute(query).all()


def figures(session: Session, area: Area, period: Period, now: dt.datetime, rules,
            group: str | None = None) -> dict:
    """``{group key: {figure: value}}`` — key None for the totals (``group=None``), else the region id,
    kind or category. Counts are int, money Decimal, rates Decimal fractions or None (nothing to divide)."""
    q = _Query(session, area, period, group)
    out: dict = defaultdict(dict)
    _reach(q, out)
    _clocks(q, out, now)
    _median_days(q, out)
    _money(q, out, rules)
    _funds(q, out)
    _repeat(q, out, rules)
    _accountability(q, out)
    for values in out.values():
        values["emergency_share"] = ratio(values.get("emergency_cases"), values.get("cases"))
        if "paid_total" in values:
            values["bank_share"] = ratio(values.get("paid_bank_transfer"), values["paid_total"])
        if "fund_allocated" in values:
            values["fund_execution_rate"] = ratio(values.get("paid_total"), values["fund_allocated"])
    return dict(out)


def _reach(q: _Query, out: dict) -> None:
    passing = Case.household.has(Household.passing_through.is_(True))
    persons = select(Household.size).where(Household.id == Case.household_id).correlate(Case).scalar_subquery()
    for row in q.rows(Case, [
            func.count(Case.id).label("cases"),
            func.sum(when((Case.kind == "emergency", 1), else_=0)).label("emergency"),
            func.sum(when((AIDED, 1), else_=0)).label("aided"),
            func.sum(when((AIDED, persons), else_=0)).label("persons"),
            func.sum(when((and_(AIDED, passing), 1), else_=0)).label("passing")], [q.period.days(Case.application_date)]):
        out[row.g].update(cases=row.cases, emergency_cases=int(row.emergency or 0), aided_cases=int(row.aided or 0),
                          aided_persons=int(row.persons or 0), passing_aided=int(row.passing or 0))
    for name, column in (("referrals_made", Referral.referred_at), ("referrals_claimed", Referral.claimed_at),
                         ("referrals_closed", Referral.closed_at)):
        for row in q.rows(Referral, [func.count(Referral.id).label("n")], [q.period.moments(column)]):
            out[row.g][name] = row.n
    for row in q.rows(AidRecord, [func.count(AidRecord.id).label("n"), sum_fen(AidRecord.amount).label("amount")],
                      [q.period.moments(AidRecord.at)]):
        out[row.g].update(charity_aid_count=row.n, charity_aid_amount=fen(row.amount))


def _clocks(q: _Query, out: dict, now: dt.datetime) -> None:
    settled = or_(CaseClock.met_at.is_not(None), CaseClock.due_at < now)
    on_time = and_(CaseClock.met_at.is_not(None), CaseClock.met_at <= CaseClock.due_at)
    found = defaultdict(dict)
    for row in q.rows(CaseClock, [func.sum(when((settled, 1), else_=0)).label("settled"),
                                  func.sum(when((on_time, 1), else_=0)).label("on_time")],
                      [q.period.days(CaseClock.application_date)], extra_group=(CaseClock.name,)):
        found[row.g][row.name] = (int(row.settled or 0), int(row.on_time or 0))
    for key, clocks in found.items():
        for clock in CLOCKS:
            settled_n, on_time_n = clocks.get(clock, (0, 0))
            out[key][f"{clock}_rate"] = ratio(on_time_n, settled_n)
    for row in q.rows(CaseClock, [func.count(CaseClock.id).label("n")],
                      [CaseClock.met_at.is_(None), CaseClock.due_at < now]):
        out[row.g]["overdue_now"] = row.n


def _median_days(q: _Query, out: dict) -> None:
    """The median of days from application to the first payment, over the aided cases paid so far."""
    key = q.key(Case)
    if key is None:
        return
    grouped = q.group is not None
    days = (day_number(q.session, func.min(Payment.paid_on)) - day_number(q.session, Case.application_date))
    per_case = (select(key.label("g"), days.label("d")).select_from(Case)
                .join(Payment, and_(Payment.case_id == Case.id, Payment.reverses_id.is_(None), Payment.amount > 0))
                .where(q.area.clause(Case), q.period.days(Case.application_date), AIDED)
                .group_by(Case.id, *([key] if grouped else []))).subquery()
    partition = {"partition_by": per_case.c.g} if grouped else {}
    ranked = select(per_case.c.g, per_case.c.d,
                    func.row_number().over(order_by=per_case.c.d, **partition).label("rn"),
                    func.count().over(**partition).label("n")).subquery()
    middle = or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (ranked.c.n + 2) // 2)
    query = select(ranked.c.g if grouped else null().label("g"), func.avg(cast(ranked.c.d, Integer) * 1.0).label("median")) \
        .where(middle).group_by(*([ranked.c.g] if grouped else []))
    for row in q.session.execute(query):
        if row.median is None:  # no aided case paid yet: an aggregate without groups still gives one row
            continue
        out[row.g]["median_days_to_payment"] = Decimal(str(row.median)).quantize(Decimal("0.1"))


def _dibao_bases(q: _Query, rules, county_ids) -> dict[int, Decimal]:
    codes = dict(q.session.execute(select(Region.id, Region.code).where(Region.id.in_(county_ids))).all())
    bases = {}
    for county_id, code in codes.items():
        try:
            value = rules.effective(code, q.period.end)["standards"]["dibao_monthly"]["urban"]["value"]
        except (KeyError, TypeError):
            value = None
        if value:
            bases[county_id] = Decimal(str(value))
    return bases


def _money(q: _Query, out: dict, rules) -> None:
    per_county = q.rows(Case, [func.count(Case.id).label("n"), sum_fen(Case.approved_amount).label("amount")],
                        [q.period.days(Case.application_date), AIDED], extra_group=(Case.county_id,))
    bases = _dibao_bases(q, rules, {row.county_id for row in per_county})
    approved, multiples, counted = defaultdict(Decimal), defaultdict(Decimal), defaultdict(int)
    for row in per_county:
        approved[row.g] += fen(row.amount)
        if row.county_id in bases:
            multiples[row.g] += fen(row.amount) / bases[row.county_id]
            counted[row.g] += row.n
    for key in set(approved) | set(out):
        out[key]["approved_amount"] = approved.get(key, fen(0))
        out[key]["aid_dibao_multiple"] = (multiples[key] / counted[key]).quantize(Decimal("0.01")) \
            if counted.get(key) else None
    paid = q.rows(Payment, [sum_fen(Payment.amount).label("amount")], [q.period.days(Payment.paid_on)],
                  extra_group=(Payment.method,))
    keys = {row.g for row in paid} | set(out)
    for key in keys:
        for method in PAYMENT_METHODS:
            out[key][f"paid_{method}"] = fen(0)
        out[key]["paid_total"] = fen(0)
    for row in paid:
        out[row.g][f"paid_{row.method}"] = fen(row.amount)
        out[row.g]["paid_total"] += fen(row.amount)


def _funds(q: _Query, out: dict) -> None:
    if q.key(FundMovement) is None:
        return
    allocation = FundMovement.kind.in_(("allocation_own", "allocation_county"))
    for row in q.rows(FundMovement, [sum_fen(when((allocation, FundMovement.amount), else_=0)).label("allocated"),
                                     sum_fen(when((FundMovement.kind == "draw", -FundMovement.amount), else_=0))
                                     .label("drawn")], [q.period.moments(FundMovement.at)]):
        out[row.g].update(fund_allocated=fen(row.allocated), fund_drawn=fen(row.drawn))
    for row in q.rows(ReserveFund, [sum_fen(ReserveFund.balance).label("balance")], []):
        out[row.g]["fund_balance"] = fen(row.balance)
    for values in out.values():
        values.setdefault("fund_allocated", fen(0))
        values.setdefault("fund_drawn", fen(0))
        values.setdefault("fund_balance", fen(0))


def _repeat(q: _Query, out: dict, rules) -> None:
    """Aided cases whose household was aided before, within the county's repeat period (one query)."""
    county_rows = q.session.execute(select(Region.id, Region.code).where(Region.level == "county")).all()
    days = {}
    for county_id, code in county_rows:
        try:
            value = rules.effective(code, q.period.end).get("cases", {}).get("repeat_warning_days", {}).get("value")
        except KeyError:
            value = None
        if value is not None:
            days[county_id] = int(value)
    if not days:
        return
    prior = aliased(Case)
    window = when(*((Case.county_id == cid, n) for cid, n in days.items()), else_=None)
    earlier = exists(select(prior.id).where(
        prior.household_id == Case.household_id, prior.id != Case.id,
        prior.approved_amount.is_not(None), prior.decided_at.is_not(None), prior.state != "rejected",
        prior.application_date <= Case.application_date,
        day_number(q.session, prior.application_date) >= day_number(q.session, Case.application_date) - window,
        or_(prior.application_date < Case.application_date, prior.id < Case.id)))
    for row in q.rows(Case, [func.count(Case.id).label("n")], [q.period.days(Case.application_date), AIDED, earlier]):
        out[row.g]["repeat_aid"] = row.n


def _accountability(q: _Query, out: dict) -> None:
    if q.key(AccountabilityRecord) is None:
        return
    for row in q.rows(AccountabilityRecord, [func.count(AccountabilityRecord.id).label("n")],
                      [q.period.moments(AccountabilityRecord.at)], extra_group=(AccountabilityRecord.cause,)):
        out[row.g][f"accountability_{row.cause}"] = row.n


#: figures of rows that carry no kind or category (referrals, charity aid, funds, accountability)
NOT_BY_KIND = ("referrals_made", "referrals_claimed", "referrals_closed", "charity_aid_count", "charity_aid_amount",
               "fund_allocated", "fund_drawn", "fund_balance", "fund_execution_rate") + ACCOUNTABILITY


def complete(values: dict, group: str | None = None) -> dict:
    """Every figure present: a count with no row behind it is 0; a figure this grouping does not
    compute (``NOT_BY_KIND`` under kind or category) and a rate with nothing to divide stay None."""
    skipped = NOT_BY_KIND if group in ("kind", "category") else ()
    filled = {}
    for name in ALL:
        value = values.get(name)
        if name in skipped:
            value = None
        elif value is None and name in COUNTS:
            value = 0
        elif value is None and name in ("charity_aid_amount", "approved_amount", "paid_total", "fund_allocated",
                                        "fund_drawn", "fund_balance") + tuple(f"paid_{m}" for m in PAYMENT_METHODS):
            value = fen(0)
        filled[name] = value
    return filled
