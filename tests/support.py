"""Helpers shared by the tests (imported by conftest)."""
from __future__ import annotations

import datetime as dt
import itertools
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


def migrated_app(overrides: dict):
    """The app on a database migrated to head, with the regions, the roles and one user per role."""
    from flask_migrate import upgrade

    from app import create_app
    from app.security.sync import sync_security
    from app.services.regions import load_regions

    application = create_app(overrides)
    with application.app_context():
        upgrade(revision="heads")
        sync_security()
        load_regions(application.appbuilder.session)
        make_users(application)
        application.appbuilder.session.commit()
    return application


#: every generated ID number of this process is a new one: the n-th has the sequence n % 1000 and the birth
#: date 1930-01-01 + n // 1000 days (no fixed number in the tests is born in the 1930s)
_SERIAL = itertools.count()
_FIRST_BIRTH = dt.date(1930, 1, 1)


def fresh_id_number(region: str = "370811") -> str:
    """A valid resident ID number no other call in this test run returns (unique by construction)."""
    from app.idnumber import check_digit

    n = next(_SERIAL)
    born = _FIRST_BIRTH + dt.timedelta(days=n // 1000)
    body = f"{region}{born:%Y%m%d}{n % 1000:03d}"
    return body + check_digit(body)


def make_household(session, county_code: str, **fields):
    """A household in the home township of a county, with a fresh valid ID number."""
    from app.models import Household, Region
    from app.services.users import home_region

    county = session.scalar(select(Region).where(Region.code == county_code))
    town = home_region("township", county)
    row = Household(id_number=fields.pop("id_number", None) or fresh_id_number(), head_name=fields.pop("head_name", "测试户"),
                    township=town, area=fields.pop("area", "urban"), residency=fields.pop("residency", "local_hukou"),
                    size=fields.pop("size", 3), **fields)
    session.add(row)
    session.flush()
    return row
