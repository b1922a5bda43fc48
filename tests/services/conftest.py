"""The users the payment, reserve-fund and reversal tests act as (all of 任城区)."""
import pytest

from tests.payment_support import user


@pytest.fixture()
def finance(app):
    return user(app, "finance_officer_370811")


@pytest.fixture()
def caseworker(app):
    return user(app, "township_caseworker_370811")
