"""Builds the rows of a YAML business-case table (indicator_cases.yaml) straight into the database.

Why straight rows and not the services: the figures must be checked on either side of each clock to the
second, on reversals and on referrals at chosen moments — the services stamp "now". The rows are the
ones the services write (the clock table follows by the same session hook as in the product).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from ruamel.yaml import YAML
from sqlalchemy import select

from app.models import (AidRecord, Case, Charity, CharityProject, FundMovement, Payment, Referral, Region,
                        ReserveFund)
from app.models.accountability import AccountabilityRecord
from app.models.lead import Lead
from tests.support import make_household

HERE = Path(__file__).parent


def load(name: str = "indicator_cases.yaml") -> dict:
    return YAML(typ="safe").load((HERE / name).read_text(encoding="utf-8"))


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc)


def townships(session, county_code: str = "370811") -> dict[str, Region]:
    county = session.scalar(select(Region).where(Region.code == county_code))
    first, second = sorted(county.children, key=lambda r: r.code)[:2]
    return {"T1": first, "T2": second}


def build(session, user, table: dict) -> dict:
    """Write the table's rows; returns ``{"cases": {label: Case}, "townships": {...}}``."""
    towns = townships(session)
    households, cases, stage = {}, {}, {}
    for label, row in table["cases"].items():
        county_code = str(row.get("county", "370811"))
        key = row.get("household") or label
        if key not in households:
            household = make_household(session, county_code, size=row["size"],
                                       passing_through=bool(row.get("passing")))
            if county_code == "370811":
                household.township = towns[row["township"]]
                household.county = towns[row["township"]].parent
            households[key] = household
        household = households[key]
        session.flush()
        deadlines = {name: {"due": due, "met": met} for name, (due, met) in row.get("deadlines", {}).items()}
        decided = row.get("approved") is not None or row.get("rejected")
        applied = dt.date.fromisoformat(row["applied"])
        case = Case(number=f"T{label}{applied:%Y%m%d}{household.id}", household=household,
                    county=household.county, township=household.township, kind=row["kind"],
                    category=row["category"], flow=row.get("flow", row["kind"]), state=row["state"],
                    application_date=applied, inputs={}, rules_digest="test", eligible=True,
                    verdict={"eligible": True, "approval_level": "township", "amount": {"maximum": "3000"},
                             "kind": row["kind"], "category": row["category"], "notes": [], "reasons": []},
                    approval_level="township",
                    approved_amount=Decimal(row["approved"]) if row.get("approved") else None,
                    decided_at=moment(f"{row['applied']}T12:00:00+08:00") if decided else None,
                    deadlines=deadlines, created_by_id=user.id)
        session.add(case)
        session.flush()
        cases[label] = case
        previous = None
        for method, amount, paid_on in row.get("payments", []):
            stage[label] = stage.get(label, 0) + 1
            payment = Payment(case_id=case.id, household_id=household.id, county_id=case.county_id,
                              township_id=case.township_id, stage=stage[label],
                              method=previous.method if method == "reverse" else method, amount=Decimal(amount),
                              paid_on=dt.date.fromisoformat(paid_on), paid_by_id=user.id,
                              reverses_id=previous.id if method == "reverse" else None)
            session.add(payment)
            session.flush()
            previous = payment
    referrals = []
    charity = Charity(name="测试慈善会", region_id=towns["T1"].parent_id)
    project = CharityProject(charity=charity, name="测试项目", budget=Decimal("10000"), remaining=Decimal("10000"))
    session.add_all([charity, project])
    session.flush()
    for label, referred, claimed, closed in table.get("referrals", []):
        case = cases[label]
        referral = Referral(case_id=case.id, household_id=case.household_id, county_id=case.county_id,
                            township_id=case.township_id, category=case.category, category_kind="illness",
                            need="测试", state="closed" if closed else "claimed", referred_by_id=user.id,
                            referred_at=moment(referred), claimed_by_charity_id=charity.id,
                            claimed_at=moment(claimed) if claimed else None,
                            closed_at=moment(closed) if closed else None)
        session.add(referral)
        session.flush()
        referrals.append(referral)
    for index, amount, at in table.get("charity_aid", []):
        referral = referrals[index]
        session.add(AidRecord(referral_id=referral.id, case_id=referral.case_id, household_id=referral.household_id,
                              project_id=project.id, charity_id=charity.id, county_id=referral.county_id,
                              township_id=referral.township_id, kind="money", amount=Decimal(amount),
                              at=moment(at), user_id=user.id))
    fund = ReserveFund(township_id=towns["T1"].id, county_id=towns["T1"].parent_id, balance=Decimal("0"))
    session.add(fund)
    session.flush()
    balance = Decimal("0")
    for kind, amount, at in sorted(table.get("fund", []), key=lambda m: m[2]):
        balance += Decimal(amount)
        session.add(FundMovement(fund_id=fund.id, county_id=fund.county_id, township_id=fund.township_id, kind=kind,
                                 amount=Decimal(amount), balance_after=balance, reason="测试", user_id=user.id,
                                 at=moment(at)))
    # the balance moves only with a movement (the audit hook checks it): one conditional UPDATE, as the service does
    session.execute(ReserveFund.__table__.update().where(ReserveFund.id == fund.id).values(balance=balance))
    for label, clock, cause, at in table.get("accountability", []):
        case = cases[label]
        session.add(AccountabilityRecord(case_id=case.id, county_id=case.county_id, township_id=case.township_id,
                                         subject="overdue", clock=clock, cause=cause, note="测试", user_id=user.id,
                                         at=moment(at)))
    for n, (town, reported, due, handled, state) in enumerate(table.get("leads", [])):
        session.add(Lead(number=f"L{n}{town}", source="grid_worker", reported_by_id=user.id,
                         reported_at=moment(reported), person_name="线索人", county_id=towns[town].parent_id,
                         township_id=towns[town].id, category="incident:fire", severity="urgent",
                         description="测试", first_contact_due=moment(due), state=state,
                         handled_by_id=user.id if handled else None, handled_at=moment(handled) if handled else None))
    session.flush()
    return {"cases": cases, "townships": towns}
