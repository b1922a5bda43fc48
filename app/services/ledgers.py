"""The working ledger (工作台账) of cash and in-kind payments and the public disclosure list (公示), per
township or county-wide, and month.

The notice (二、(四) 注重阳光救助) lets aid be paid in cash or in kind when it is urgent, but then the office
must keep a ledger and publish what was paid. The ledger is the office's own record, with names and ID
numbers as the viewer may see them; the disclosure list is for the notice board, so names (张*三) and ID
numbers (3708**********0020) are always masked, whoever prints it.

Each list is one query with its joins; its totals are GROUP BY queries — nothing is summed or fetched per row.

A reversal (冲正) is a payment row with the amount negated: the ledger lists it as a negative line in the
month it was recorded (naming the stage it reverses), so its totals net out what was undone. The public
list shows what stands: neither reversed payments nor their reversals.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import and_, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased

from app.idnumber import mask as mask_id
from app.models import Case, DisclosurePosting, FundMovement, Household, Payment, Region, TempaidUser
from app.models.payment import BY_HAND, PAYMENT_METHODS
from app.rules.inputs import FIRST_YEAR, LAST_YEAR
from app.services.deadlines import china_midnight
from app.security.scope import scope_clause
from app.services.ids import is_row_id
from app.services.money import fen, sum_fen
from app.services.payment_progress import standing_clauses
from app.services.townships import county_in_scope, township_in_scope
from app.services.workflow_def import workflow

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


class LedgerRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Month:
    first: dt.date
    next: dt.date

    @classmethod
    def parse(cls, text: str | None) -> "Month":
        """``"2026-11"`` → November 2026; a year outside the calendar the engine knows (``0000-01``,
        ``9999-12``) is refused like a malformed month."""
        found = MONTH_RE.match((text or "").strip())
        if not found or not 1 <= int(found.group(2)) <= 12 \
                or not FIRST_YEAR <= int(found.group(1)) <= LAST_YEAR:
            raise LedgerRefused("month_invalid", "the month must be YYYY-MM")
        first = dt.date(int(found.group(1)), int(found.group(2)), 1)
        return cls(first, (first + dt.timedelta(days=32)).replace(day=1))

    @classmethod
    def of(cls, day: dt.date) -> "Month":
        return cls.parse(f"{day:%Y-%m}")

    def __str__(self) -> str:
        return f"{self.first:%Y-%m}"


def public_name(name: str | None) -> str:
    """A name as a notice board shows it: 张三丰 → 张*丰, 张三 → 张*, 欧阳小明 → 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def list_region(session: Session, user, region_id) -> Region:
    """The township — or the county, for the county-wide lists — the list is of, if in the user's scope."""
    region = session.get(Region, region_id) if is_row_id(region_id) else None
    if region is not None and region.level == "county" and county_in_scope(region, user):
        return region
    if not township_in_scope(region, user):
        raise LedgerRefused("scope", "choose a township in your jurisdiction")
    return region


def _where(user, township: Region, month: Month) -> list:
    column = Payment.county_id if township.level == "county" else Payment.township_id
    return [column == township.id, Payment.paid_on >= month.first, Payment.paid_on < month.next,
            scope_clause(Payment, user)]


def posting_key(region) -> tuple[int, int]:
    """``(county id, township key)`` of a disclosure list: a township's, or 0 for the county-wide one."""
    return (region.id, 0) if region.level == "county" else (region.parent_id, region.id)


def _on_the_list_of(session: Session, township: Region, month: Month):
    """Which payments a month's disclosure list holds: those paid in the month — except the ones recorded
    after the month's own list was posted —, and those paid in an earlier month but recorded, in this month,
    after that month's list was posted (补录: a late record is shown on the next list made, never on none).
    One clause per posted month of this list's region (a dozen a year), no query per payment."""
    county_id, township_key = posting_key(township)
    postings = session.execute(select(DisclosurePosting.month, DisclosurePosting.posted_at).where(
        DisclosurePosting.county_id == county_id, DisclosurePosting.township_key == township_key,
        DisclosurePosting.month <= str(month))).all()
    posted = {Month.parse(text): at for text, at in postings}
    in_month = and_(Payment.paid_on >= month.first, Payment.paid_on < month.next)
    if month in posted:
        in_month = and_(in_month, Payment.recorded_at <= posted[month])
    recorded_now = and_(Payment.recorded_at >= china_midnight(month.first),
                        Payment.recorded_at < china_midnight(month.next))
    missed = [and_(Payment.paid_on >= earlier.first, Payment.paid_on < earlier.next, Payment.recorded_at > at)
              for earlier, at in posted.items() if earlier.first < month.first]
    return or_(in_month, and_(recorded_now, or_(*missed) if missed else false()))


@dataclass
class Ledger:
    township: Region
    month: Month
    rows: list[dict]
    by_method: dict[str, tuple[int, Decimal]]
    count: int = 0
    total: Decimal = Decimal("0.00")


def cash_ledger(session: Session, user, township_id, month: Month) -> Ledger:
    """Every cash and in-kind payment of the township in the month, oldest first, with totals by method.

    Rows: ``paid_on, case_number, category, head_name, id_number, stage, method, amount, items, note,
    paid_by, from_reserve_fund, reverses_stage`` (names and ID numbers whole: the caller masks for its
    viewer); a reversal has a negative amount, its reason as note and the stage it reverses."""
    township = list_region(session, user, township_id)
    where = _where(user, township, month) + [Payment.method.in_(BY_HAND)]
    reversed_payment = aliased(Payment)
    query = (select(Payment.id, Payment.paid_on, Case.number, Case.category, Household.head_name,
                    Household.id_number, Payment.stage, Payment.method, Payment.amount, Payment.items, Payment.note,
                    TempaidUser.first_name, TempaidUser.last_name, FundMovement.id.label("movement_id"),
                    reversed_payment.stage.label("reverses_stage"))
             .join(Case, Case.id == Payment.case_id)
             .join(Household, Household.id == Payment.household_id)
             .join(TempaidUser, TempaidUser.id == Payment.paid_by_id)
             .outerjoin(FundMovement, FundMovement.payment_id == Payment.id)
             .outerjoin(reversed_payment, reversed_payment.id == Payment.reverses_id)
             .where(*where).order_by(Payment.paid_on, Payment.id))
    rows = [{"id": r.id, "paid_on": r.paid_on, "case_number": r.number, "category": r.category,
             "head_name": r.head_name, "id_number": r.id_number, "stage": r.stage, "method": r.method,
             "amount": fen(r.amount), "items": r.items or "", "note": r.note or "",
             "paid_by": f"{r.first_name}{r.last_name}", "from_reserve_fund": r.movement_id is not None,
             "reverses_stage": r.reverses_stage}
            for r in session.execute(query)]
    by_method = {method: (count, fen(total)) for method, count, total in session.execute(
        select(Payment.method, func.count(Payment.id), sum_fen(Payment.amount)).where(*where)
        .group_by(Payment.method).order_by(Payment.method))}
    return Ledger(township, month, rows, by_method, sum(c for c, _ in by_method.values()),
                  sum((t for _, t in by_method.values()), Decimal("0.00")))


def _disclosed():
    """Payments of cases whose flow is disclosed (config/workflow.yaml ``disclosed``)."""
    hidden = workflow().undisclosed_flows()
    return Payment.case_id.not_in(select(Case.id).where(Case.flow.in_(hidden))) if hidden else true()


@dataclass
class Disclosure:
    township: Region  # the township, or the county for the county-wide list
    month: Month
    rows: list[dict] = field(default_factory=list)
    households: int = 0
    total: Decimal = Decimal("0.00")


def disclosure_list(session: Session, user, township_id, month: Month) -> Disclosure:
    """What the township (or the whole county, given a county's id) paid in the month, for public notice
    (基层政务公开标准目录: recipient, amount, reason): one row per household and cause — ``name`` and
    ``id_number`` masked, ``category`` (code), ``methods`` (codes, in the order of ``PAYMENT_METHODS``),
    ``amount`` (every stage of the month summed), ``first_paid_on``, ``township`` (its name), ``case_number``
    (the first); with the number of households and the total.

    Reversals are netted: a reversal is never a row, and a payment reversed by the time the list is made
    is left out, so the list shows what stands (once posted, :mod:`app.services.disclosures` keeps it as
    it was). 小额快救 payments (a flow declared ``disclosed: false``) are left out: the 2026 opinion exempts
    them from public posting (免公示); the cash ledger keeps them. One query; rows merged by key."""
    township = list_region(session, user, township_id)
    column = Payment.county_id if township.level == "county" else Payment.township_id
    where = [column == township.id, _on_the_list_of(session, township, month), scope_clause(Payment, user),
             *standing_clauses(), _disclosed()]
    first_paid = func.min(Payment.paid_on)
    query = (select(Household.id.label("household_id"), Household.head_name, Household.id_number, Case.category,
                    Payment.method, Region.name.label("township"), func.min(Case.number).label("number"),
                    sum_fen(Payment.amount).label("amount"), first_paid.label("first_paid_on"))
             .join(Case, Case.id == Payment.case_id)
             .join(Household, Household.id == Payment.household_id)
             .join(Region, Region.id == Payment.township_id)
             .where(*where)
             .group_by(Household.id, Household.head_name, Household.id_number, Case.category, Payment.method,
                       Region.name)
             .order_by(first_paid, Household.id, Case.category))
    merged: dict[tuple, dict] = {}
    for r in session.execute(query):
        row = merged.setdefault((r.household_id, r.category), {
            "name": public_name(r.head_name), "id_number": mask_id(r.id_number), "category": r.category,
            "methods": [], "amount": Decimal("0.00"), "first_paid_on": r.first_paid_on, "township": r.township,
            "case_number": r.number})
        row["methods"].append(r.method)
        row["amount"] += fen(r.amount)
        row["first_paid_on"] = min(row["first_paid_on"], r.first_paid_on)
        row["case_number"] = min(row["case_number"], r.number)
    rows = sorted(merged.values(), key=lambda row: (row["first_paid_on"], row["case_number"]))
    for row in rows:
        row["methods"] = [m for m in PAYMENT_METHODS if m in row["methods"]]
    households, total = session.execute(select(func.count(func.distinct(Payment.household_id)),
                                               sum_fen(Payment.amount)).where(*where)).one()
    return Disclosure(township, month, rows, households or 0, fen(total))
