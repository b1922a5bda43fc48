"""Demo data for ``python run.py``: regions, one user per declared role in two counties, households,
a reserve fund in each demo township and a charity project in each demo county (so payments, funds and
referrals can be tried at once).

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
from app.services.charities import charity_for_region, prepare_new_project
from app.services.regions import load_regions
from app.services.reserve_funds import allocate
from app.services.users import create_role_users

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
    _funds_and_projects(session, regions)
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
