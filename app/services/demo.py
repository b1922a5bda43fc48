"""Demo data for ``python run.py``: regions, one user per declared role in two counties, households,
a reserve fund in each demo township and a charity project in each demo county (so payments, funds and
referrals can be tried at once).

So that every step can be tried by a demo user: a second township approver, county reviewer and county
approver in each county (separation of duties and "nobody decides what they took in" need two people),
and cases in the home township of each county in several states — a new application, one waiting for
review, one waiting for approval, one approved and waiting to be paid, an emergency reported and waiting
for pre-assistance, one pre-assisted and waiting to be registered. The cases go through the services
and the workflow like any other, with the demo users as the actors.

Demo mode only: passwords are generated at random when the demo database is first filled and kept in
``instance/demo-logins.json`` (mode 600) so that run.py can print them again; no password is in code.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.idnumber import check_digit
from app.models import CharityProject, Household, Region
from app.models.audit import utcnow
from app.rules.inputs import CST
from app.security.roles import load_roles
from app.services.charities import charity_for_region, prepare_new_project
from app.services.intake import intake
from app.services.regions import load_regions
from app.services.reserve_funds import allocate
from app.services.rules import current_rules
from app.services.users import create_role_users, home_region, username_for
from app.services.workflow import take
from app.services.workflow_def import workflow

DEMO_COUNTIES = ("370811", "370881")  # 任城区, 曲阜市: two counties, so scoping can be seen

HOUSEHOLDS = [
    # head, ID body (17 digits), township code, area, residency, size, dibao, tekun
    ("张三", "37081119800101001", "370811005", "urban", "local_hukou", 3, False, False),
    ("李四", "37081119650302002", "370811102", "rural", "local_hukou", 4, True, False),
    ("王五", "37088119750615002", "370881001", "urban", "residence_permit", 2, False, False),
    ("赵六", "37088119520708003", "370881101", "rural", "local_hukou", 1, False, True),
    ("孙七", "37081119900228003", "370811111", "rural", "local_hukou", 5, False, False),
]


def _logins_file() -> Path:
    return Path(current_app.config["INSTANCE_DIR"]) / "demo-logins.json"


def seed_demo() -> list[dict]:
    """Fill an empty database with demo data; return the demo logins (also when already filled)."""
    if not current_app.config.get("DEMO_MODE"):
        raise RuntimeError("demo data is only created in demo mode (python run.py)")
    session = current_app.appbuilder.session
    load_regions(session)
    if session.scalar(select(func.count()).select_from(Household)):
        session.commit()
        return json.loads(_logins_file().read_text(encoding="utf-8")) if _logins_file().exists() else []
    regions = {r.code: r for r in session.scalars(select(Region))}
    for head, body, township, area, residency, size, dibao, tekun in HOUSEHOLDS:
        town = regions[township]
        session.add(Household(
            id_number=body + check_digit(body), head_name=head, township=town, county=town.parent,
            area=area, residency=residency, size=size, dibao=dibao, tekun=tekun,
            phone="1380537" + body[-4:], bank_name="济宁农商银行", bank_account="6231" + body[-12:],
        ))
    logins = _create_users(regions)
    logins += _second_users(regions)
    _funds_and_projects(session, regions)
    session.flush()
    _cases(session, regions)
    from app.services.demo_leads import seed_leads

    seed_leads(session, regions, DEMO_COUNTIES)  # the grid workers' reports (急难线索)
    session.commit()
    path = _logins_file()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(logins, fh, ensure_ascii=False, indent=1)
    return logins


def _create_users(regions: dict[str, Region]) -> list[dict]:
    return create_role_users(regions, DEMO_COUNTIES, lambda _username: secrets.token_urlsafe(9))


#: what the demo puts in: a county allocation to each demo township's reserve fund, and one charity
#: project per demo county serving serious illness
DEMO_FUND_ALLOCATION = "20000"
DEMO_PROJECT = ("大病关爱项目（演示）", "100000", ["illness"])


def _funds_and_projects(session, regions: dict[str, Region]) -> None:
    sm = current_app.appbuilder.sm
    for county in DEMO_COUNTIES:
        finance = sm.find_user(username=f"finance_officer_{county}")
        for township in sorted({row[2] for row in HOUSEHOLDS if row[2].startswith(county)}):
            allocate(session, regions[township], "allocation_county", DEMO_FUND_ALLOCATION, "县级下拨备用金（演示）",
                     finance)
        name, budget, categories = DEMO_PROJECT
        project = CharityProject(charity=charity_for_region(session, regions[county]), name=name, budget=budget)
        project.categories = categories
        prepare_new_project(project)
        session.add(project)


#: roles with a second demo user in each county, so that one may check or decide what the other did
SECOND_USERS = ("township_approver", "county_reviewer", "county_approver")


def _second_users(regions: dict[str, Region]) -> list[dict]:
    sm = current_app.appbuilder.sm
    declared = load_roles()
    logins = []
    for code in DEMO_COUNTIES:
        for key in SECOND_USERS:
            spec = declared[key]
            region = home_region(spec.scope, regions[code])
            username = f"{key}_2_{code}"
            password = secrets.token_urlsafe(9)
            user = sm.add_user(username, spec.name_zh + "（二）", region.name, f"{username}@tempaid.invalid",
                               sm.find_role(key), password)
            if user is None:
                raise RuntimeError(f"could not create user {username}")
            user.region = region
            logins.append({"username": username, "password": password, "role": spec.name_zh + "（二）",
                           "region": region.name})
    return logins


_INCOME = {"monthly_income": ["300"] * 12, "monthly_necessary_expenses": ["100"] * 6, "financial_assets": "1000",
           "houses": 1, "vehicles": 0}
#: head, ID body suffix (birth date and sequence), kind, the steps taken: (role, transition)
DEMO_CASES = [
    ("周一", "19700301011", "expenditure", ()),
    ("吴二", "19680512021", "expenditure", (("township_caseworker", "accept"), ("township_caseworker", "investigate"))),
    ("郑三", "19750720031", "expenditure", (("township_caseworker", "accept"), ("township_caseworker", "investigate"),
                                           ("township_approver", "review"))),
    ("冯四", "19811109041", "expenditure", (("township_caseworker", "accept"), ("township_caseworker", "investigate"),
                                           ("township_approver", "review"), ("approver", "approve"))),
    ("陈五", "19590215051", "emergency", ()),
    ("褚六", "19880630061", "emergency", (("township_approver", "pre_assist"),)),
    ("卫七", "19900101071", "quick", ()),
]


def _figures(kind: str, today) -> dict:
    if kind in ("emergency", "quick"):  # a heavy fire takes the emergency flow, a light one 小额快救 (2026)
        heavy = {"severity": "heavy", "cost": "3000"} if kind == "emergency" else {"severity": "light"}
        return {"kind": "emergency", "category": "incident:fire", "application_date": today.isoformat(),
                "reported_at": utcnow().astimezone(CST).isoformat(), "requested_amount": "800", **heavy}
    return {"kind": "expenditure", "category": "illness:uremia", "application_date": today.isoformat(),
            "cost": "2000", "household": _INCOME}


def _approver(case, code: str):
    """A demo user allowed to approve at the level the verdict names."""
    sm = current_app.appbuilder.sm
    declared = load_roles()
    role = workflow().approvers[case.approval_level][0]
    return sm.find_user(username=username_for(role, declared[role].scope, code))


def _step_fields(case, name: str, today) -> dict:
    amount = str(case.suggested_amount or "800")
    return {"investigate": {"note": "入户调查（演示）"}, "review": {"note": "审核（演示）"}, "approve": {"amount": amount},
            "pre_assist": {"amount": "800", "date": today.isoformat()}}.get(name, {})


def _cases(session, regions: dict[str, Region]) -> None:
    sm = current_app.appbuilder.sm
    rules = current_rules()
    today = utcnow().astimezone(CST).date()
    declared = load_roles()
    for code in DEMO_COUNTIES:
        town = home_region("township", regions[code])
        actor = {key: sm.find_user(username=username_for(key, declared[key].scope, code))
                 for key in ("township_caseworker", "township_approver")}
        for head, suffix, kind, steps in DEMO_CASES:
            body = code + suffix
            household = Household(id_number=body + check_digit(body), head_name=head, township=town,
                                  county=town.parent, area="urban", residency="local_hukou", size=3, dibao=False,
                                  tekun=False, phone="1390537" + body[-4:], bank_name="济宁农商银行",
                                  bank_account="6231" + body[-12:])
            session.add(household)
            session.flush()
            case = intake(session, household, _figures(kind, today), actor["township_caseworker"], rules)
            for role, name in steps:
                user = _approver(case, code) if role == "approver" else actor[role]
                take(session, case, name, user, _step_fields(case, name, today), rules)
