"""Accounts: one user per declared role in given counties (demo data and test fixtures)."""
from __future__ import annotations

from typing import Callable, Iterable

from flask import current_app

from app.models import Region
from app.security.roles import load_roles
from app.services.charities import charity_for_region


def home_region(scope: str, county: Region) -> Region:
    """The region a user of this scope works in: the city, the county or its first township."""
    if scope == "city":
        return county.parent
    if scope == "township":
        return min(county.children, key=lambda r: r.code)
    return county


def username_for(role: str, scope: str, county_code: str) -> str:
    return role if scope == "city" else f"{role}_{county_code}"


def create_role_users(regions: dict[str, Region], county_codes: Iterable[str],
                      password_for: Callable[[str], str]) -> list[dict]:
    """Create ``admin`` and, for every role of config/roles.yaml, a user in each county; return logins."""
    sm = current_app.appbuilder.sm
    county_codes = tuple(county_codes)
    city = regions[county_codes[0]].parent
    logins = []

    def add(username: str, first: str, last: str, role, region: Region, role_label: str):
        password = password_for(username)
        user = sm.add_user(username, first, last, f"{username}@tempaid.invalid", role, password)
        if user is None:
            raise RuntimeError(f"could not create user {username}")
        user.region = region
        logins.append({"username": username, "password": password, "role": role_label,
                       "region": region.name})
        return user

    add("admin", "系统", "管理员", sm.find_role(sm.auth_role_admin), city, "Admin")
    for spec in load_roles().values():
        for code in county_codes[:1] if spec.scope == "city" else county_codes:
            region = home_region(spec.scope, regions[code])
            user = add(username_for(spec.key, spec.scope, code), spec.name_zh, region.name,
                       sm.find_role(spec.key), region, spec.name_zh)
            if spec.scope == "charity":  # charity staff belong to a charity of their county
                user.charity = charity_for_region(sm.session, region)
    return logins
