"""Bank-transfer batches for socialised payment (临时救助金原则上实行社会化发放, 二、(四)).

A batch takes every bank transfer of a county (or of one township) not yet sent to the bank, in one
``UPDATE payment SET batch_id = :batch WHERE batch_id IS NULL AND ...``: a payment is in one batch at
most, even when two officers make a batch at the same moment (on PostgreSQL the second UPDATE waits for
the first's row locks and then finds those rows taken). The file lists one row per payment and a total
row; it can be downloaded again, always with the same rows.

The UPDATE bypasses the ORM, so it writes the payments' audit entries itself (one INSERT for all).

A reversal (冲正) is never sent to the bank, and neither is a transfer reversed before it was sent: both
are left out by the UPDATE's own conditions. A reversal recorded while the batch is being made locks the
transfer's row first; the UPDATE then waits for it, and the statement after it drops from the batch what
was reversed meanwhile (its snapshot is taken after the reversal committed).
"""
from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from app.models import AuditEntry, Case, Household, Payment, PaymentBatch, Region
from app.models.audit import utcnow
from app.security.scope import scope_clause
from app.services.audit import acting
from app.services.money import fen, sum_fen
from app.services.payment_progress import reversed_clause, standing_clauses
from app.services.spreadsheets import table_csv, table_xlsx
from app.services.townships import county_in_scope, township_in_scope

#: the columns of the bank file, in order; the caller names them in the viewer's language
BATCH_COLUMNS = ("seq", "payee", "id_number", "bank_name", "bank_account", "amount", "case_number", "stage",
                 "paid_on")


class BatchRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def create_batch(session: Session, user, county: Region | None, township: Region | None = None,
                 note: str | None = None, now: dt.datetime | None = None) -> PaymentBatch:
    """Put the county's (or the township's) unsent bank transfers into a new batch."""
    now = now or utcnow()
    if township is not None:
        if not township_in_scope(township, user):
            raise BatchRefused("scope", "township outside your jurisdiction")
        county = session.get(Region, township.parent_id)
    elif not county_in_scope(county, user):
        raise BatchRefused("scope", "county outside your jurisdiction")
    with session.begin_nested():  # nothing to batch: no empty batch is left behind
        batch = PaymentBatch(number=f"{county.code}-{now:%Y%m%d}-{secrets.token_hex(3).upper()}",
                             county_id=county.id, township_id=township.id if township is not None else None,
                             payment_count=0, total=fen(0), created_by_id=user.id, created_at=now,
                             note=(note or "").strip()[:500] or None)
        session.add(batch)
        with acting(session, user.id, "batch"):
            session.flush()
        where = [Payment.batch_id.is_(None), Payment.method == "bank_transfer", Payment.county_id == county.id,
                 scope_clause(Payment, user), *standing_clauses()]
        if township is not None:
            where.append(Payment.township_id == township.id)
        session.execute(update(Payment).where(*where).values(batch_id=batch.id)
                        .execution_options(synchronize_session=False))
        session.execute(update(Payment).where(Payment.batch_id == batch.id, reversed_clause()).values(batch_id=None)
                        .execution_options(synchronize_session=False))
        count, total = session.execute(select(func.count(Payment.id), sum_fen(Payment.amount))
                                       .where(Payment.batch_id == batch.id)).one()
        if not count:
            raise BatchRefused("nothing_to_batch", "no bank transfer is waiting to be sent")
        batch.payment_count, batch.total = count, fen(total)
        entries = [dict(at=now, user_id=user.id, target="payment", target_id=payment_id, case_id=case_id,
                        action="batch", before={"batch_id": None}, after={"batch_id": batch.id}, note=batch.number)
                   for payment_id, case_id in session.execute(select(Payment.id, Payment.case_id)
                                                              .where(Payment.batch_id == batch.id))]
        session.execute(insert(AuditEntry.__table__), entries)
        with acting(session, user.id, "batch"):
            session.flush()
    for obj in list(session.identity_map.values()):  # payments in memory learn their batch
        if isinstance(obj, Payment):
            session.expire(obj, ["batch_id", "batch"])
    return batch


def batch_rows(session: Session, batch: PaymentBatch) -> list[dict]:
    """The batch's payments with payee and bank account, in the order of the file (one query)."""
    query = (select(Payment.id, Household.head_name, Household.id_number, Household.bank_name,
                    Household.bank_account, Payment.amount, Case.number, Payment.stage, Payment.paid_on)
             .join(Household, Household.id == Payment.household_id).join(Case, Case.id == Payment.case_id)
             .where(Payment.batch_id == batch.id).order_by(Payment.township_id, Payment.paid_on, Payment.id))
    return [{"seq": n, "payee": r.head_name, "id_number": r.id_number, "bank_name": r.bank_name or "",
             "bank_account": r.bank_account or "", "amount": fen(r.amount), "case_number": r.number,
             "stage": r.stage, "paid_on": r.paid_on}
            for n, r in enumerate(session.execute(query), start=1)]


def batch_table(batch: PaymentBatch, rows: list[dict], total_label: str,
                shown=lambda kind, value: value) -> tuple[list[list], list]:
    """The bank file's rows and its total row (the number of payments and the sum); amounts as Decimal,
    account numbers as text. ``shown(kind, value)`` masks personal data for a viewer who may not see it whole."""
    body = [[row["seq"], shown("name", row["payee"]), shown("id_number", row["id_number"]), row["bank_name"],
             shown("bank_account", row["bank_account"]), row["amount"], row["case_number"], row["stage"],
             row["paid_on"].isoformat()] for row in rows]
    return body, [total_label, len(rows), "", "", "", fen(batch.total), "", "", ""]


def batch_csv(batch: PaymentBatch, rows: list[dict], labels: dict[str, str], total_label: str,
              shown=lambda kind, value: value) -> str:
    """The bank file: UTF-8 with a byte-order mark (spreadsheet programs then keep the Chinese), a header,
    one row per payment, a total row with the number of payments and the sum."""
    body, total = batch_table(batch, rows, total_label, shown)
    return table_csv([labels[c] for c in BATCH_COLUMNS], body, total)


def batch_xlsx(batch: PaymentBatch, rows: list[dict], labels: dict[str, str], total_label: str, title: str,
               shown=lambda kind, value: value) -> bytes:
    """The bank file as a workbook: account and ID numbers stay text (not 6.23E+15), amounts numbers."""
    body, total = batch_table(batch, rows, total_label, shown)
    return table_xlsx(title, [labels[c] for c in BATCH_COLUMNS], body, total, sheet=batch.number)


def waiting(session: Session, user) -> list[dict]:
    """The bank transfers in the user's jurisdiction not yet in a batch, per township (GROUP BY):
    ``county_id, township_id, township, count, total``."""
    query = (select(Payment.county_id, Payment.township_id, Region.name, func.count(Payment.id),
                    sum_fen(Payment.amount))
             .join(Region, Region.id == Payment.township_id)
             .where(Payment.batch_id.is_(None), Payment.method == "bank_transfer", scope_clause(Payment, user),
                    *standing_clauses())
             .group_by(Payment.county_id, Payment.township_id, Region.name, Region.code)
             .order_by(Payment.county_id, Region.code))
    return [{"county_id": c, "township_id": t, "township": name, "count": n, "total": fen(total)}
            for c, t, name, n, total in session.execute(query)]
