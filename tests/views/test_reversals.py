"""The screens around paid cases: the case page offers "Mark paid" only once the payments add up (and links
to recording them until then), refuses an adjustment below what was paid, and a payment is reversed from
its page with a reason — the case page then shows it reversed and the case taking payments again."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Case, Payment
from tests.conftest import csrf_token
from tests.payment_support import approved_case


def _post(app, client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(app, client), **data})


def _english(client):
    assert client.get("/lang/en").status_code == 302
    return client


def _page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.fixture()
def case(app, session, rules):
    made = approved_case(app, session, rules, "1800")
    session.commit()
    return made


def _state(session, case) -> str:
    session.expire_all()
    return session.get(Case, case.id).state


def test_the_case_page_marks_paid_only_what_its_payments_cover(app, session, login_as, case):
    caseworker = _english(login_as("township_caseworker_370811"))
    pay_form = f"/caseview/transition/{case.id}/pay"
    page = _page(caseworker, f"/caseview/show/{case.id}")
    assert pay_form not in page and 'id="record-payment"' in page and f"/paymentview/record/{case.id}" in page
    refused = _post(app, caseworker, pay_form, date="2026-11-20")
    assert refused.status_code == 422  # the page again, with the refusal
    shown = refused.get_data(as_text=True)
    assert "The recorded payments do not cover the approved amount yet: record the payments first." in shown
    assert _state(session, case) == "approved"
    for method, amount in (("cash", "600"), ("bank_transfer", "1200")):
        assert _post(app, caseworker, f"/paymentview/record/{case.id}", method=method, amount=amount,
                     paid_on="2026-11-20").status_code == 302
    assert _state(session, case) == "paid"
    page = _page(caseworker, f"/caseview/show/{case.id}")
    assert 'id="record-payment"' not in page and 'id="payments"' in page and "1200.00" in page
    approver = _english(login_as("township_approver_370811"))
    assert 'id="adjust-closed"' in _page(approver, f"/caseview/show/{case.id}")
    closed = _post(app, approver, f"/caseview/adjust/{case.id}", amount="2000", reason="补发")
    assert closed.status_code == 422 and "The payments of this case are complete" in closed.get_data(as_text=True)


def test_an_adjustment_below_what_was_paid_is_refused_on_the_case_page(app, session, login_as, case):
    caseworker, approver = login_as("township_caseworker_370811"), _english(login_as("township_approver_370811"))
    _post(app, caseworker, f"/paymentview/record/{case.id}", method="cash", amount="600", paid_on="2026-11-20")
    assert 'id="adjust"' in _page(approver, f"/caseview/show/{case.id}")
    refused = _post(app, approver, f"/caseview/adjust/{case.id}", amount="500", reason="发票复核")
    shown = refused.get_data(as_text=True)
    assert "alert-danger" in shown and "500.00 is below the 600.00 already paid" in shown
    adjust_form = shown.split('id="adjust"', 1)[1].split("</form>", 1)[0]
    assert 'value="500"' in adjust_form and 'value="发票复核"' in adjust_form  # what was typed is kept
    session.expire_all()
    assert session.get(Case, case.id).approved_amount == Decimal("1800.00")


def test_a_finance_officer_reverses_a_returned_transfer_from_the_payments_page(app, session, login_as, case):
    caseworker = login_as("township_caseworker_370811")
    for method, amount in (("cash", "600"), ("bank_transfer", "1200")):
        _post(app, caseworker, f"/paymentview/record/{case.id}", method=method, amount=amount, paid_on="2026-11-20")
    transfer = session.scalar(select(Payment).where(Payment.case_id == case.id, Payment.stage == 2))
    finance = _english(login_as("finance_officer_370811"))
    record = _page(finance, f"/paymentview/record/{case.id}")
    assert f"/paymentview/reverse/{transfer.id}" in record
    assert 'id="reverse-link"' in _page(finance, f"/paymentview/show/{transfer.id}")
    form = _page(finance, f"/paymentview/reverse/{transfer.id}")
    assert 'id="reverse-form"' in form and 'name="csrf_token"' in form and "1200.00" in form
    assert finance.post(f"/paymentview/reverse/{transfer.id}", data={"reason": "x"}).status_code == 400  # no CSRF
    missing = _post(app, finance, f"/paymentview/reverse/{transfer.id}", reason=" ")
    assert missing.status_code == 200 and "Give the reason." in missing.get_data(as_text=True)
    done = _post(app, finance, f"/paymentview/reverse/{transfer.id}", reason="银行退回：账户已销户")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/paymentview/record/{case.id}")
    shown = _page(finance, done.headers["Location"])
    assert "Stage 2 reversed: -1200.00." in shown and "takes payments again" in shown
    assert "Reversal of stage 2" in shown and "Reversed by stage 3" in shown and 'id="payment-form"' in shown
    session.expire_all()
    reversal = session.scalar(select(Payment).where(Payment.reverses_id == transfer.id))
    assert (reversal.stage, reversal.amount, reversal.note) == (3, Decimal("-1200.00"), "银行退回：账户已销户")
    assert session.get(Case, case.id).state == "approved"
    # the case page shows it reversed and links to paying again; the payment's page says by what
    page = _page(finance, f"/caseview/show/{case.id}")
    assert "Reversed by stage 3" in page and 'id="record-payment"' in page and "银行退回：账户已销户" in page
    detail = _page(finance, f"/paymentview/show/{transfer.id}")
    assert 'id="reversed-note"' in detail and 'id="reverse-link"' not in detail
    again = _post(app, finance, f"/paymentview/reverse/{transfer.id}", reason="再次")
    assert "This payment was reversed already. (stage 2 was reversed already)" in again.get_data(as_text=True)
    assert session.scalar(select(Payment.id).where(Payment.case_id == case.id, Payment.stage == 4)) is None
    # who may not pay sees no button and is refused; another county does not find the payment
    supervisor = login_as("supervisor_370811")
    assert supervisor.get(f"/paymentview/reverse/{transfer.id}").status_code == 403
    assert 'id="reverse-link"' not in _page(supervisor, f"/paymentview/show/{payment_id(session, case, 1)}")
    assert login_as("finance_officer_370881").get(f"/paymentview/reverse/{transfer.id}").status_code == 404


def payment_id(session, case, stage: int) -> int:
    return session.scalar(select(Payment.id).where(Payment.case_id == case.id, Payment.stage == stage))


def test_the_ledger_workbook_shows_the_reversal_in_its_month(app, session, rules, login_as):
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from app.rules.inputs import CST
    from app.services.payments import record_payment
    from app.services.reversals import reverse_payment
    from tests.payment_support import NOW, user

    caseworker = user(app, "township_caseworker_370811")
    paid = approved_case(app, session, rules, "1800", head_name="张三丰")
    cash = record_payment(session, paid, caseworker, "cash", "600", rules, paid_on="2026-11-20", now=NOW).payment
    # November's public list is posted on 1 December, before the reversal
    from app.services.disclosures import post_list
    from app.services.ledgers import Month

    post_list(session, caseworker, paid.township.id, Month.parse("2026-11"), rules,
              now=dt.datetime(2026, 12, 1, 9, 0, tzinfo=CST))
    reverse_payment(session, cash, caseworker, "重复登记", rules, now=dt.datetime(2026, 12, 2, 9, 0, tzinfo=CST))
    session.commit()
    client = _english(login_as("finance_officer_370811"))
    town = paid.township.id
    book = client.get(f"/ledger/xlsx?township_id={town}&month=2026-12")
    rows = list(load_workbook(io.BytesIO(book.data)).active.values)
    body, total = rows[2:-1], rows[-1]
    assert [(r[1], r[5], r[6], Decimal(str(r[7])), r[11]) for r in body] == [
        (paid.number, 2, "Cash", Decimal(-600), "Reversal of stage 1: 重复登记")]
    assert (total[5], Decimal(str(total[7]))) == (1, Decimal(-600))
    # November's public list stays as it was posted: the stage was reversed only in December
    november = client.get(f"/disclosure/print?township_id={town}&month=2026-11").get_data(as_text=True)
    assert "张*丰" in november and "600.00" in november and "Posted on 2026-12-01" in november
