"""Decision documents and their delivery through the screens: the case's documents page lists what the
case has, each opens as a page to print and as a PDF; staff record a delivery and the acknowledgement;
another county's user gets 404; an undelivered decision shows in the list after the county's days."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.models import DocumentDelivery
from tests.conftest import csrf_token
from tests.documents_support import RAW, approved, flat, pdf_text, refused_by_check
from tests.payment_support import NOW


def _post(app, client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(app, client), **data})


def test_the_documents_of_a_case_open_as_a_page_and_a_pdf(app, session, rules, login_as):
    case = approved(app, session, rules)
    session.commit()
    client = login_as("township_approver_370811")
    listing = client.get(f"/document/{case.id}/").get_data(as_text=True)
    assert "临时救助审批决定书" in listing and "发放通知" in listing and "不予救助告知书" not in listing
    page = client.get(f"/document/{case.id}/approval")
    assert page.status_code == 200 and "nonce=" in page.get_data(as_text=True)
    text = flat(page.get_data(as_text=True))
    assert "决定给予临时救助1800元" in text and case.number in text and not RAW.search(text)
    pdf = client.get(f"/document/{case.id}/payment/pdf?stage=1")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "于2026年11月20日以现金方式发放600元" in pdf_text(pdf.data)
    english = pdf_text(client.get(f"/document/{case.id}/approval/pdf?lang=en").data)
    assert "Decisiongrantingtemporaryassistance" in english and "1800yuan" in english
    # a document the case does not have, a stage it does not have, a case of another county
    assert client.get(f"/document/{case.id}/refusal").status_code == 404
    assert client.get(f"/document/{case.id}/payment?stage=7").status_code == 404
    assert login_as("township_approver_370881").get(f"/document/{case.id}/approval").status_code == 404
    case_page = client.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert 'id="documents-link"' in case_page


def test_staff_record_a_delivery_and_its_acknowledgement(app, session, rules, login_as):
    case = refused_by_check(app, session, rules)
    session.commit()
    client = login_as("township_caseworker_370811")
    today = dt.date.today().isoformat()
    # in person without the signature is refused, nothing saved
    refused = _post(app, client, f"/document/{case.id}/deliver", document="refusal", method="in_person",
                    delivered_on=today, recipient="李四")
    assert refused.status_code == 302
    assert session.scalar(select(DocumentDelivery).where(DocumentDelivery.case_id == case.id)) is None
    assert _post(app, client, f"/document/{case.id}/deliver", document="refusal", method="post",
                 delivered_on=today, recipient="李四", reference="EMS1234567890").status_code == 302
    session.expire_all()
    delivery = session.scalar(select(DocumentDelivery).where(DocumentDelivery.case_id == case.id))
    assert (delivery.document, delivery.method, delivery.reference, delivery.signed) == \
        ("refusal", "post", "EMS1234567890", False)
    _post(app, client, f"/document/{case.id}/acknowledge/{delivery.id}", acknowledged_on=today,
          acknowledgement="回执已签收")
    session.expire_all()
    assert session.get(DocumentDelivery, delivery.id).acknowledgement == "回执已签收"
    page = client.get(f"/document/{case.id}/").get_data(as_text=True)
    assert "EMS1234567890" in page and "回执已签收" in page
    # a supervisor sees the documents but records nothing
    supervisor = login_as("supervisor_370811")
    assert supervisor.get(f"/document/{case.id}/refusal").status_code == 200
    assert _post(app, supervisor, f"/document/{case.id}/deliver", document="refusal", method="post",
                 delivered_on=today, recipient="李四", reference="x").status_code in (302, 403)
    assert len(session.scalars(select(DocumentDelivery).where(DocumentDelivery.case_id == case.id)).all()) == 1


def test_the_undelivered_list_shows_an_old_decision_with_no_delivery(app, session, rules, login_as, monkeypatch):
    case = refused_by_check(app, session, rules)  # decided on NOW (27 November 2026)
    session.commit()
    import app.services.deliveries as deliveries

    monkeypatch.setattr(deliveries, "utcnow", lambda: NOW + dt.timedelta(days=11))  # Jining: 10 days
    reviewer = login_as("county_reviewer_370811")
    page = reviewer.get("/document/undelivered").get_data(as_text=True)
    assert case.number in page
    home = reviewer.get("/").get_data(as_text=True)  # the landing page's to-do list too
    assert 'id="todo-undelivered"' in home and case.number in home
    assert case.number not in login_as("county_reviewer_370881").get("/document/undelivered").get_data(as_text=True)
