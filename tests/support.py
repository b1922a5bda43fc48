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
