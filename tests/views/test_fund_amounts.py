"""Reserve-fund money as a person types it (三、(五)): a return never exceeds what was drawn, ``1e5`` and
full-width digits are not amounts, and an implausibly large allocation is recorded only once confirmed —
on the screen and through the API alike (the service refuses, whichever door)."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import FundMovement
from app.services.reserve_funds import draw
from tests.conftest import csrf_token
from tests.payment_support import funded, user


def _allocate(app, client, town, **fields):
    return client.post("/reservefundview/allocate/", data={"csrf_token": csrf_token(app, client),
                                                           "township_id": town.id, **fields})


@pytest.fixture()
def town(app):
    return user(app, "township_caseworker_370811").region


def _movements(session, town) -> list:
    return session.scalars(select(FundMovement).where(FundMovement.township_id == town.id)).all()


@pytest.mark.parametrize("amount", ["1e5", "１００", "1E3", "100.001", "-100", "1,000", " ", "NaN", "Infinity"])
def test_an_amount_not_typed_with_digits_is_refused_on_the_screen(app, session, login_as, town, amount):
    page = _allocate(app, login_as("finance_officer_370811"), town, kind="allocation_county", amount=amount,
                     reason="县级拨付")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "alert-danger" in text and "金额" in text
    assert _movements(session, town) == [], "nothing recorded"
    assert f'value="{amount}"' in text or amount.strip() == "", "what was typed is kept"


@pytest.mark.parametrize("amount", ["1e5", "１００"])
def test_the_api_refuses_the_same_amounts(app, session, login_as, town, amount):
    client = login_as("finance_officer_370811")
    answer = client.post("/api/v1/reservefund/allocate", json={"township_id": town.id, "kind": "allocation_county",
                                                              "amount": amount, "reason": "县级拨付"},
                         headers={"X-CSRFToken": csrf_token(app, client)})
    error = answer.get_json()["error"]
    assert answer.status_code == 422 and error["code"] == "invalid" and error["field"] == "amount"  # the schema: Money
    assert _movements(session, town) == []


def test_a_return_cannot_exceed_what_was_drawn(app, session, login_as, town):
    fund = funded(app, session, town, "10000")
    draw(session, fund, "800", "火灾先行救助", user(app, "finance_officer_370811"))
    session.commit()
    client = login_as("finance_officer_370811")
    refused = _allocate(app, client, town, kind="return", amount="800.01", reason="现金退回")
    assert refused.status_code == 200
    assert "退回金额不能超过从备用金支取且尚未退回的金额" in refused.get_data(as_text=True)
    assert _allocate(app, client, town, kind="return", amount="500", reason="现金退回").status_code == 302
    again = _allocate(app, client, town, kind="return", amount="300.01", reason="现金退回")
    assert "退回金额不能超过" in again.get_data(as_text=True), "500 of the 800 came back already"
    assert _allocate(app, client, town, kind="return", amount="300", reason="现金退回").status_code == 302
    kinds = sorted((m.kind, m.amount) for m in _movements(session, town))
    assert kinds == [("allocation_county", Decimal("10000.00")), ("draw", Decimal("-800.00")),
                     ("return", Decimal("300.00")), ("return", Decimal("500.00"))]


def test_a_return_to_a_fund_nothing_was_drawn_from_is_refused_over_the_api(app, session, login_as, town):
    funded(app, session, town, "1000")
    session.commit()
    client = login_as("finance_officer_370811")
    answer = client.post("/api/v1/reservefund/allocate", json={"township_id": town.id, "kind": "return",
                                                              "amount": "1", "reason": "退回"},
                         headers={"X-CSRFToken": csrf_token(app, client)})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "above_drawn"


def test_a_very_large_allocation_asks_for_confirmation_then_passes(app, session, login_as, town):
    limit = Decimal(app.config["RESERVE_FUND_CONFIRM_ABOVE"])
    large = str(limit + 1)
    client = login_as("finance_officer_370811")
    first = _allocate(app, client, town, kind="allocation_county", amount=large, reason="县级拨付")
    text = first.get_data(as_text=True)
    assert first.status_code == 200 and 'id="confirm-large"' in text and "金额异常大" in text
    assert f'value="{large}"' in text and "县级拨付" in text, "the form keeps what was typed"
    assert _movements(session, town) == []
    second = _allocate(app, client, town, kind="allocation_county", amount=large, reason="县级拨付", confirm="1")
    assert second.status_code == 302
    assert [m.amount for m in _movements(session, town)] == [limit + 1]
    at_limit = _allocate(app, client, town, kind="allocation_county", amount=str(limit), reason="县级拨付")
    assert at_limit.status_code == 302, "up to the limit no confirmation is asked"


def test_the_api_asks_the_same_confirmation(app, session, login_as, town):
    client = login_as("finance_officer_370811")
    body = {"township_id": town.id, "kind": "allocation_county", "amount": "1000000000", "reason": "县级拨付"}
    headers = {"X-CSRFToken": csrf_token(app, client)}
    refused = client.post("/api/v1/reservefund/allocate", json=body, headers=headers)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "confirm_large"
    assert client.post("/api/v1/reservefund/allocate", json={**body, "confirm": True}, headers=headers).status_code == 201


def test_the_form_refuses_1e5_in_the_browser_too(login_as):
    page = login_as("finance_officer_370811").get("/reservefundview/allocate/").get_data(as_text=True)
    assert 'pattern="[0-9]+(\\.[0-9]{1,2})?"' in page
