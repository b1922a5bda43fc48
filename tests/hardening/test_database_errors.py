"""Issue #19: a value the database refuses (PostgreSQL's DataError: a number out of range for its column)
answers 400 with a worded message through the API — never a 500 — and nothing is half-saved.

The API's own validation stops such values first (string lengths, the household size, the digits of an
amount), so no ordinary body reaches the database with one. The test lets one slip past: the reserve
fund's amount check is replaced by a bare ``Decimal``, and the allocation of 99,999,999,999 yuan goes to
PostgreSQL, whose ``Numeric(12, 2)`` holds at most 9,999,999,999.99 — the database's own refusal must
still come back as a worded 400."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from app.models import FundMovement, Region
from app.services.users import home_region
from tests.api.test_cases import bearer

POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")


@pytest.mark.skipif(not POSTGRES, reason="SQLite stores any number in a NUMERIC column: only PostgreSQL refuses it")
def test_an_amount_beyond_the_column_is_a_400_over_the_api_and_nothing_is_saved(app, session, monkeypatch):
    from decimal import Decimal

    from app.services import reserve_funds
    from app.web.schemas import base as schemas

    # past the body schema's and the service's own checks, which keep every amount within the column
    monkeypatch.setattr(schemas, "parse_money", lambda value: Decimal(value))
    monkeypatch.setattr(reserve_funds, "_amount", lambda value: Decimal(value))
    town = home_region("township", session.scalar(select(Region).where(Region.code == "370811")))
    movements = session.scalar(select(func.count(FundMovement.id)))
    answer = app.test_client().post("/api/v1/reservefund/allocate", headers=bearer(app, "finance_officer_370811"),
                                    json={"township_id": town.id, "kind": "allocation_county", "confirm": True,
                                          "amount": "99999999999", "reason": "县级拨付"})
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    error = answer.get_json()["error"]
    assert error["code"] == "invalid_value", error  # the database's refusal, worded (app/web/server_errors.py)
    assert "numeric" not in error["message"].lower(), "never the database's own text"
    session.expire_all()
    assert session.scalar(select(func.count(FundMovement.id))) == movements, "nothing half-saved"
