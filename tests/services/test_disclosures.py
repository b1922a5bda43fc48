"""The county's monthly disclosure list (公示, 基层政务公开标准目录): one row per household and cause with
its stages summed and its reversals netted, names and ID numbers masked, the county-wide list holding
every township's rows; 小额快救 left out (免公示); posted once the month is over, with the day it was posted
and the day it was due (``disclosure.working_days`` working days after the month, Jining 10), and from
then on frozen."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import Household, Region
from app.rules.inputs import CST
from app.services.disclosures import late, post_list, shown_list
from app.services.intake import intake
from app.services.ledgers import LedgerRefused, Month, cash_ledger, disclosure_list
from app.services.payments import record_payment
from app.services.reversals import reverse_payment
from app.services.workflow import take
from tests.documents_support import quick
from tests.payment_support import BANK, EXPENDITURE, NOW, approved_case, region, user
from tests.support import fresh_id_number

NOVEMBER = Month.parse("2026-11")
DECEMBER_1 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=CST)
COUNTY = "370811"


def _pay(app, session, rules, case, method, amount, day, **extra):
    """Paid by the county's finance officer (every township of the county)."""
    return record_payment(session, case, user(app, f"finance_officer_{COUNTY}"), method, amount, rules,
                          paid_on=day, now=NOW, **extra).payment


def _second_township_case(app, session, rules):
    """A case of 仙营街道 (another township of 任城区), decided by the county."""
    town = region(session, "370811007")
    household = Household(id_number=fresh_id_number(), head_name="周八", township=town, county=town.parent,
                          area="urban", residency="local_hukou", size=3, **BANK)
    session.add(household)
    session.flush()
    case = intake(session, household, EXPENDITURE, user(app, "city_bureau"), rules)
    for role, name, fields in (("county_reviewer", "accept", {"date": "2026-11-02"}),
                               ("county_reviewer", "investigate", {"note": "入户调查"}),
                               ("county_reviewer", "review", {"note": "审核"}),
                               ("county_approver", "approve", {"amount": "900"})):
        take(session, case, name, user(app, f"{role}_{COUNTY}"), fields, rules, now=NOW)
    return case


@pytest.fixture()
def month(app, session, rules):
    """November 2026 in 任城区: 张三丰 paid in three stages for uremia (one reversed), and for leukemia once;
    周八 of another township once; a 小额快救 case paid in cash."""
    first = approved_case(app, session, rules, "1800", head_name="张三丰")
    _pay(app, session, rules, first, "cash", "600", "2026-11-20")
    wrong = _pay(app, session, rules, first, "cash", "300", "2026-11-21")
    _pay(app, session, rules, first, "in_kind", "400", "2026-11-22", items="棉被两床")
    reverse_payment(session, wrong, user(app, f"township_caseworker_{COUNTY}"), "重复登记", rules, now=NOW)
    figures = {**EXPENDITURE, "category": "illness:leukemia"}
    second = intake(session, first.household, figures, user(app, f"township_caseworker_{COUNTY}"), rules)
    for role, name, fields in (("township_caseworker", "accept", {"date": "2026-11-02"}),
                               ("township_caseworker", "investigate", {"note": "入户调查"}),
                               ("township_approver", "review", {"note": "审核"}),
                               ("township_approver", "approve", {"amount": "700"})):
        take(session, second, name, user(app, f"{role}_{COUNTY}"), fields, rules, now=NOW)
    _pay(app, session, rules, second, "bank_transfer", "700", "2026-11-23")
    other = _second_township_case(app, session, rules)
    _pay(app, session, rules, other, "bank_transfer", "900", "2026-11-24")
    quick_case = quick(app, session, rules)
    _pay(app, session, rules, quick_case, "cash", "500", "2026-11-27")
    county = region(session, COUNTY)
    return {"first": first, "second": second, "other": other, "quick": quick_case, "county": county,
            "township": first.township}


def _rows(listing):
    return [(r["name"], r["category"], r["methods"], r["amount"]) for r in listing.rows]


def test_the_county_list_sums_stages_nets_reversals_and_leaves_out_quick_aid(app, session, rules, month):
    reviewer = user(app, f"county_reviewer_{COUNTY}")
    county = disclosure_list(session, reviewer, month["county"].id, NOVEMBER)
    assert _rows(county) == [
        ("张*丰", "illness:uremia", ["cash", "in_kind"], Decimal("1000.00")),  # 600 + 400; the 300 reversed
        ("张*丰", "illness:leukemia", ["bank_transfer"], Decimal("700.00")),
        ("周*", "illness:uremia", ["bank_transfer"], Decimal("900.00"))]
    assert [r["township"] for r in county.rows] == ["李营街道", "李营街道", "仙营街道"]
    assert (county.households, county.total) == (2, Decimal("2600.00"))
    assert all(r["id_number"].count("*") == 10 for r in county.rows)
    assert month["quick"].household.head_name not in {r["name"] for r in county.rows}
    assert "孙*" not in {r["name"] for r in county.rows}
    # the township's own list holds its own households only; the cash ledger keeps the quick payment
    township = disclosure_list(session, reviewer, month["township"].id, NOVEMBER)
    assert [r["name"] for r in township.rows] == ["张*丰", "张*丰"] and township.total == Decimal("1700.00")
    assert Decimal("500.00") in [r["amount"] for r in cash_ledger(session, reviewer, month["township"].id,
                                                                   NOVEMBER).rows]
    # a county ledger too: every township's cash and in-kind payments
    ledger = cash_ledger(session, reviewer, month["county"].id, NOVEMBER)
    assert ledger.total == Decimal("1500.00")  # 600 + 300 − 300 + 400 + 500 (quick)


def test_a_posted_list_is_frozen_with_its_dates(app, session, rules, month):
    reviewer = user(app, f"county_reviewer_{COUNTY}")
    county_id = month["county"].id
    with pytest.raises(LedgerRefused) as caught:
        post_list(session, reviewer, county_id, NOVEMBER, rules, now=NOW)
    assert caught.value.code == "month_not_over"
    posting = post_list(session, reviewer, county_id, NOVEMBER, rules, now=DECEMBER_1)
    # 10 working days after 30 November 2026
    assert (posting.posted_on, posting.due_on, late(posting)) == (dt.date(2026, 12, 1), dt.date(2026, 12, 14), False)
    before = _rows(shown_list(session, reviewer, county_id, NOVEMBER)[0])
    # a stage reversed and a late-recorded payment of November change the live list, never the posted one
    stage = next(p for p in _payments(session, month["second"]) if p.amount > 0)
    reverse_payment(session, stage, user(app, f"finance_officer_{COUNTY}"), "银行退回", rules, now=DECEMBER_1)
    shown, frozen = shown_list(session, reviewer, county_id, NOVEMBER)
    assert frozen is not None and _rows(shown) == before and shown.total == Decimal("2600.00")
    assert disclosure_list(session, reviewer, county_id, NOVEMBER).total == Decimal("1900.00")
    with pytest.raises(LedgerRefused) as caught:
        post_list(session, reviewer, county_id, NOVEMBER, rules, now=DECEMBER_1)
    assert caught.value.code == "posted"
    # the township's own list is posted on its own, and late
    township = post_list(session, reviewer, month["township"].id, NOVEMBER, rules,
                         now=dt.datetime(2026, 12, 15, 9, 0, tzinfo=CST))
    assert late(township) and township.township_id == month["township"].id


def test_outside_the_jurisdiction_nothing_is_listed_or_posted(app, session, rules, month):
    other = user(app, "county_reviewer_370881")
    for call in (lambda: disclosure_list(session, other, month["county"].id, NOVEMBER),
                 lambda: post_list(session, other, month["county"].id, NOVEMBER, rules, now=DECEMBER_1)):
        with pytest.raises(LedgerRefused) as caught:
            call()
        assert caught.value.code == "scope"
    # a township's staff cannot take the county-wide list
    with pytest.raises(LedgerRefused):
        disclosure_list(session, user(app, f"township_caseworker_{COUNTY}"), month["county"].id, NOVEMBER)
    assert session.scalar(select(Region).where(Region.code == COUNTY)).level == "county"


def _payments(session, case):
    from app.services.payments import payments_of

    return payments_of(session, case.id)


def test_a_payment_recorded_after_its_months_list_was_posted_goes_on_the_next_list(app, session, rules, month):
    """补录: a November payment recorded on 3 December, after November's county list went up on 1 December,
    is on December's county list (never on none); November's live list stays what was posted. The
    township's November list, not posted yet, takes it in November as usual."""
    reviewer, county_id = user(app, f"county_reviewer_{COUNTY}"), month["county"].id
    post_list(session, reviewer, county_id, NOVEMBER, rules, now=DECEMBER_1)
    record_payment(session, month["first"], user(app, f"finance_officer_{COUNTY}"), "cash", "200", rules,
                   paid_on="2026-11-25", now=dt.datetime(2026, 12, 3, 10, 0, tzinfo=CST))
    december = Month.parse("2026-12")
    assert _rows(disclosure_list(session, reviewer, county_id, december)) == [
        ("张*丰", "illness:uremia", ["cash"], Decimal("200.00"))]
    assert disclosure_list(session, reviewer, county_id, NOVEMBER).total == Decimal("2600.00")
    township = month["township"].id
    assert disclosure_list(session, reviewer, township, NOVEMBER).total == Decimal("1900.00")  # 1700 + 200
    assert disclosure_list(session, reviewer, township, december).rows == []
