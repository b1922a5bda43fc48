"""The figures of the county performance-target tables (绩效目标表), each one SQL aggregate over an area.

What counts where (one rule per kind of row, so a figure never depends on when it is asked, except the
ones that say "now"):

- a case counts in the period of its application date; it is *aided* once decided with an approved
  amount (户次: aided cases; 人次: the persons of their households);
- a clock (先行救助, 登记, 审批, 小额快救) counts with its case; it is *settled* once met or past due, and
  *on time* when met by its due moment; the rate is on time ÷ settled; *overdue now* is every clock of
  the area not met and past due at ``now``, whatever the period;
- a lead counts in the period of its report; its response clock (``leads.first_contact_hours``) is
  settled once the lead is handled or past due, on time when handled by its due moment; *leads overdue
  now* are the open leads past due at ``now``;
- a payment counts in the period of its payment day, a reversal too (it carries the amount negated, so
  the sums net it out); a fund movement, a referral step, charity aid and an accountability record by
  the moment it was recorded;
- 社会化发放率 = paid by bank ÷ paid; 资金执行率 = paid ÷ allocated to the reserve funds; average aid in
  multiples of the urban dibao standard of the case's county in force on the period's last day;
- repeat aid: an aided case whose household was aided before within the county's ``cases.repeat_warning_days``.

:func:`figures` gives them all for the area, grouped by nothing (the totals), by the regions one
level down (``"region"``), by kind or by category (the rule files' illness / incident categories) — the
case figures; the others are left out there. The database
aggregates each kind of row once per township and kind (:mod:`app.reports.grain`); this module adds
those grouped sums up to the grouping asked for and divides. No Python loop runs over cases.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from sqlalchemy.orm import Session

from app.models.accountability import CAUSES
from app.models.clock import CLOCKS
from app.models.payment import PAYMENT_METHODS
from app.reports.area import Area, Period
from app.reports.grain import AIDED, Grain, collect
from app.services.money import fen

GROUPS = (None, "region", "kind", "category")

REACH = ("cases", "emergency_cases", "emergency_share", "aided_cases", "aided_persons", "passing_aided",
         "referrals_made", "referrals_claimed", "referrals_closed", "charity_aid_count", "charity_aid_amount",
         "leads_reported")
TIMELINESS = tuple(f"{clock}_rate" for clock in CLOCKS) + ("lead_contact_rate", "overdue_now", "leads_overdue_now",
                                                          "median_days_to_payment")
MONEY = ("approved_amount", "paid_total") + tuple(f"paid_{m}" for m in PAYMENT_METHODS) + (
    "bank_share", "aid_dibao_multiple", "fund_allocated", "fund_drawn", "fund_balance", "fund_execution_rate",
    "repeat_aid")
ACCOUNTABILITY = tuple(f"accountability_{cause}" for cause in CAUSES)
ALL = REACH + TIMELINESS + MONEY + ACCOUNTABILITY
#: figures that are counts of cases or people (what small-count suppression hides)
COUNTS = ("cases", "emergency_cases", "aided_cases", "aided_persons", "passing_aided", "referrals_made",
          "referrals_claimed", "referrals_closed", "charity_aid_count", "overdue_now", "repeat_aid", "leads_reported",
          "leads_overdue_now") + ACCOUNTABILITY
#: shares and rates (fractions 0..1)
RATES = ("emergency_share", "bank_share", "fund_execution_rate", "lead_contact_rate") + tuple(
    f"{clock}_rate" for clock in CLOCKS)

__all__ = ["AIDED", "ALL", "COUNTS", "RATES", "figures", "complete", "ratio", "roll_up"]


def ratio(part, whole) -> Decimal | None:
    """``part ÷ whole`` as an exact fraction to four places; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(str(part or 0)) / Decimal(str(whole))).quantize(Decimal("0.0001"))


def _median(histogram: dict[int, int]) -> Decimal | None:
    """The median of a histogram ``{days: cases}`` (the mean of the two middle values when even)."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted, seen, found = ((total + 1) // 2, (total + 2) // 2), 0, []
    for days in sorted(histogram):
        before, seen = seen, seen + histogram[days]
        found += [days for rank in wanted if before < rank <= seen]
    return (Decimal(sum(found)) / len(found)).quantize(Decimal("0.1"))


def _key(area: Area, group: str | None, grain: Grain, township_id, kind, category):
    if group is None:
        return None
    if group == "kind":
        return kind
    if group == "category":
        return category
    return township_id if area.level == "county" else grain.county_of.get(township_id)


def roll_up(area: Area, grain: Grain, group: str | None) -> dict:
    """The grain's sums added up by ``group``, then divided into rates."""
    if group not in GROUPS:
        raise ValueError(f"unknown grouping {group!r}")
    if group == "region" and area.child_level is None:
        return {}
    sums: dict = defaultdict(lambda: defaultdict(int))
    histograms: dict = defaultdict(lambda: defaultdict(int))
    for (township_id, kind, category), cell in grain.cells.items():
        if group in ("kind", "category") and kind is None:
            continue
        target = sums[_key(area, group, grain, township_id, kind, category)]
        for name, value in cell.items():
            target[name] += value
    for (township_id, kind, category), histogram in grain.days.items():
        target = histograms[_key(area, group, grain, township_id, kind, category)]
        for days, count in histogram.items():
            target[days] += count
    out = {}
    for key, values in sums.items():
        figures_ = {name: value for name, value in values.items() if not name.startswith("_")}
        for clock in CLOCKS:  # settled: met, or not met and past due
            settled = values.get(f"_met_{clock}", 0) + values.get(f"_open_due_{clock}", 0)
            figures_[f"{clock}_rate"] = ratio(values.get(f"_on_time_{clock}"), settled)
        settled = values.get("_handled_lead", 0) + values.get("_open_due_lead", 0)
        figures_["lead_contact_rate"] = ratio(values.get("_on_time_lead"), settled)
        figures_["median_days_to_payment"] = _median(histograms.get(key, {}))
        figures_["aid_dibao_multiple"] = (Decimal(values["_multiple_sum"]) / values["_multiple_n"]).quantize(
            Decimal("0.01")) if values.get("_multiple_n") else None
        figures_["emergency_share"] = ratio(values.get("emergency_cases"), values.get("cases"))
        if group not in ("kind", "category"):
            paid = values.get("paid_total", 0)
            figures_["bank_share"] = ratio(values.get("paid_bank_transfer"), paid)
            figures_["fund_execution_rate"] = ratio(paid, values.get("fund_allocated"))
        out[key] = figures_
    if group is None and None not in out:
        out[None] = {}
    return out


def figures(session: Session, area: Area, period: Period, now: dt.datetime, rules,
            group: str | None = None, grain: Grain | None = None) -> dict:
    """``{group key: {figure: value}}`` — key None for the totals (``group=None``), else the region id or
    the kind. Counts are int, money Decimal, rates Decimal fractions or None (nothing to divide).
    ``grain``: the sums already collected for this area and period (a dashboard collects them once)."""
    if group not in GROUPS:
        raise ValueError(f"unknown grouping {group!r}")
    return roll_up(area, grain if grain is not None else collect(session, area, period, now, rules), group)


#: figures of rows that carry no kind (referrals, charity aid, payments, funds, accountability)
NOT_BY_KIND = ("referrals_made", "referrals_claimed", "referrals_closed", "charity_aid_count", "charity_aid_amount",
               "paid_total", "bank_share", "fund_allocated", "fund_drawn", "fund_balance",
               "fund_execution_rate", "leads_reported", "lead_contact_rate", "leads_overdue_now") + tuple(
    f"paid_{m}" for m in PAYMENT_METHODS) + ACCOUNTABILITY


def complete(values: dict, group: str | None = None) -> dict:
    """Every figure present: a count with no row behind it is 0; a figure this grouping does not
    compute (``NOT_BY_KIND`` under kind) and a rate with nothing to divide stay None."""
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
