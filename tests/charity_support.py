"""Helpers for the charity-linkage tests: a decided case, a project, the fixture users."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.models import CharityProject, Region
from app.services.charities import prepare_new_project
from app.services.intake import intake
from app.services.workflow import take
from tests.support import make_household

FIGURES = {
    "kind": "expenditure", "category": "illness:uremia", "application_date": "2026-11-02", "cost": "2000",
    "household": {"monthly_income": ["300"] * 12, "monthly_necessary_expenses": ["100"] * 6,
                  "financial_assets": "1000", "houses": 1, "vehicles": 0},
}
APPROVAL = (("township_caseworker", "accept", {}), ("township_caseworker", "investigate", {"note": "入户调查"}),
            ("township_approver", "review", {"note": "审核"}), ("township_approver", "approve", {"amount": "1800"}))


def user(app, username):
    return app.appbuilder.sm.find_user(username=username)


def region(session, code: str) -> Region:
    return session.scalar(select(Region).where(Region.code == code))


def make_case(app, session, rules, county: str = "370811", approved: bool = True, **household):
    """A case of a household in the county's home township, approved for 1800 yuan unless told."""
    found = make_household(session, county, phone="13905371234", address="幸福路1号", **household)
    case = intake(session, found, FIGURES, user(app, f"township_caseworker_{county}"), rules)
    if approved:
        for role, name, fields in APPROVAL:
            take(session, case, name, user(app, f"{role}_{county}"), fields, rules)
    return case


def make_project(session, charity, name: str = "救急难专项基金", budget: str = "10000",
                 categories=(), regions=()) -> CharityProject:
    served = [region(session, code) for code in regions]
    project = CharityProject(charity=charity, name=name, budget=Decimal(budget), active=True)
    project.categories = list(categories)
    project.regions = served
    prepare_new_project(project)
    session.add(project)
    session.flush()
    return project


def charity_staff(app, county: str = "370811"):
    return user(app, f"charity_staff_{county}")
