"""The access matrix of tests/security/test_matrix.py over the finance screens and APIs: payments, bank
batches, reserve funds and their movements, for every declared role, inside and outside its jurisdiction."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import FundMovement, Payment, PaymentBatch, Region, ReserveFund
from tests.security.test_matrix import ROLES, Resource, _case
from tests.security.test_matrix import test_role_matrix as _role_matrix  # aliased: collected once, there

MARK = "测试户"  # what the matrix counts in an export: the household's name, or a note saying it


def _city_user():
    from flask import current_app

    return current_app.appbuilder.sm.find_user(username="city_bureau")


def _town(session, code):
    return session.scalar(select(Region).where(Region.code == code))


def _payment(session, township_code: str, n: int) -> Payment:
    case = _case(session, township_code, n + 10)
    payment = Payment(case=case, household_id=case.household_id, county_id=case.county_id,
                      township_id=case.township_id, stage=1, method="cash", amount=Decimal("100.00"),
                      paid_on=dt.date(2026, 11, 20), paid_by_id=_city_user().id)
    session.add(payment)
    session.flush()
    return payment


def _batch(session, township_code: str, n: int) -> PaymentBatch:
    town = _town(session, township_code)
    batch = PaymentBatch(number=f"MATRIX-{township_code}-{n}", county_id=town.parent_id, township_id=town.id,
                         payment_count=0, total=Decimal("0.00"), created_by_id=_city_user().id, note=MARK)
    session.add(batch)
    session.flush()
    return batch


def _fund(session, township_code: str, _n: int) -> ReserveFund:
    town = _town(session, township_code)
    fund = ReserveFund(township=town, county_id=town.parent_id, balance=Decimal("100.00"))
    session.add(fund)
    session.flush()
    return fund


def _movement(session, township_code: str, n: int) -> FundMovement:
    fund = _fund(session, township_code, n)
    movement = FundMovement(fund_id=fund.id, county_id=fund.county_id, township_id=fund.township_id,
                            kind="allocation_county", amount=Decimal("100.00"), balance_after=Decimal("100.00"),
                            reason=MARK, user_id=_city_user().id)
    session.add(movement)
    session.flush()
    return movement


FINANCE = [
    Resource("PaymentView", "PaymentApi", "/paymentview", "/api/v1/payment", _payment, {}),
    Resource("PaymentBatchView", "PaymentBatchApi", "/paymentbatchview", "/api/v1/paymentbatch", _batch, {}),
    Resource("ReserveFundView", "ReserveFundApi", "/reservefundview", "/api/v1/reservefund", _fund, {}),
    Resource("FundMovementView", "FundMovementApi", "/fundmovementview", "/api/v1/fundmovement", _movement, {}),
]


@pytest.mark.parametrize("resource", FINANCE, ids=lambda r: r.view)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_finance_matrix(role, resource, app, session, login_as):
    _role_matrix(role, resource, app, session, login_as)
