"""Helpers shared by the tests (imported by conftest)."""
from __future__ import annotations

import os
import secrets

from sqlalchemy import select

DEMO_PASSWORD_ENV = "TEMPAID_TEST_PASSWORD"
TEST_COUNTIES = ("370811", "370881")  # 任城区, 曲阜市


def make_users(app) -> list[dict]:
    """One user per declared role in two counties, all with one random password for this run."""
    from app.models import Region
    from app.services.users import create_role_users

    os.environ.setdefault(DEMO_PASSWORD_ENV, secrets.token_urlsafe(12))
    session = app.appbuilder.session
    regions = {r.code: r for r in session.scalars(select(Region))}
    return create_role_users(regions, TEST_COUNTIES, lambda _u: os.environ[DEMO_PASSWORD_ENV])


def make_household(session, county_code: str, **fields):
    """A household in the home township of a county, with a fresh valid ID number."""
    from app.idnumber import check_digit
    from app.models import Household, Region
    from app.services.users import home_region

    county = session.scalar(select(Region).where(Region.code == county_code))
    town = home_region("township", county)
    body = "370811" + "1980" + f"{secrets.randbelow(12) + 1:02d}" + "15" + f"{secrets.randbelow(1000):03d}"
    row = Household(id_number=fields.pop("id_number", body + check_digit(body)), head_name=fields.pop("head_name", "测试户"),
                    township=town, area=fields.pop("area", "urban"), residency=fields.pop("residency", "local_hukou"),
                    size=fields.pop("size", 3), **fields)
    session.add(row)
    session.flush()
    return row
