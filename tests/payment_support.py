"""Helpers for the payment and reserve-fund tests: decided cases, funds, the fixture users."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.models import Region
from app.rules.inputs import CST
from app.services.intake import intake
from app.services.reserve_funds import allocate
from app.services.workflow import take
from tests.support import make_household

#: a moment after every date the tests pay on (the services refuse payments dated after "now")
NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=CST)

EXPENDITURE = {
    "kind": "expenditure", "category": "illness:uremia", "application_date": "2026-11-02", "cost": "2000",
    "household": {"monthly_income": ["300"] * 12, "monthly_necessary_expenses": ["100"] * 6,
                  "financial_assets": "1000", "houses": 1, "vehicles": 0},
}
#: dated before the 2026 opinion (in force from 2026-01-29): a light emergency then takes the emergency flow
EMERGENCY = {
    "kind": "emergency", "category": "incident:fire", "severity": "light", "application_date": "2026-01-20",
    "reported_at": "2026-01-20T21:30:00+08:00", "requested_amount": "800",
}
BANK = {"bank_name": "农商银行", "bank_account": "6231000011112222"}


def user(app, username):
    return app.appbuilder.sm.find_user(username=username)


def region(session, code: str) -> Region:
    return session.scalar(select(Region).where(Region.code == code))


def approved_case(app, session, rules, amount: str = "1800", county: str = "370811", **household):
    """An expenditure case of a household in the county's home township, approved for ``amount``."""
    found = make_household(session, county, **{**BANK, **household})
    case = intake(session, found, EXPENDITURE, user(app, f"township_caseworker_{county}"), rules)
    for role, name, fields in (("township_caseworker", "accept", {"date": "2026-11-02"}),
                               ("township_caseworker", "investigate", {"note": "入户调查"}),
                               ("township_approver", "review", {"note": "审核"}),
                               ("township_approver", "approve", {"amount": amount})):
        take(session, case, name, user(app, f"{role}_{county}"), fields, rules, now=NOW)
    return case


def emergency_case(app, session, rules, amount: str = "800", county: str = "370811", **household):
    """An emergency (fire) case given pre-assistance of ``amount``: decided, papers not yet registered."""
    found = make_household(session, county, **{**BANK, **household})
    case = intake(session, found, EMERGENCY, user(app, f"township_caseworker_{county}"), rules)
    take(session, case, "pre_assist", user(app, f"township_approver_{county}"),
         {"amount": amount, "date": "2026-01-20"}, rules, now=NOW)
    return case


def funded(app, session, township: Region, amount: str = "10000", county: str = "370811"):
    """The township's reserve fund after a county allocation of ``amount``."""
    return allocate(session, township, "allocation_county", amount, "县级拨付备用金",
                    user(app, f"finance_officer_{county}")).fund
