"""The fields of a lead report, shared by the grid worker's screen and the public form: the township
choices and the county's categories, read from the regions and the rule files."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Region
from app.models.audit import utcnow
from app.rules.inputs import CST
from app.services.leads import categories_of
from app.views.cases import category_label

FIELDS = ("person_name", "id_number", "phone", "township_id", "village", "address", "category", "severity",
          "description")


def townships_for(session, user=None) -> list[Region]:
    """The townships a report may name: the grid worker's own, or every township of their county; every
    township of the city on the public form."""
    query = select(Region).where(Region.level == "township").order_by(Region.code)
    region = getattr(user, "region", None)
    if user is not None and region is not None and region.level == "township":
        query = query.where(Region.id == region.id)
    elif user is not None and region is not None and region.level == "county":
        query = query.where(Region.parent_id == region.id)
    return list(session.scalars(query))


def category_choices(rules, townships: list[Region]) -> list[tuple[str, str]]:
    """(code, name) of the categories of the counties these townships lie in (the first county's names)."""
    today = utcnow().astimezone(CST).date()
    seen: dict[str, str] = {}
    for county in sorted({t.parent.code for t in townships if t.parent is not None}):
        for code in categories_of(rules, county, today):
            seen.setdefault(code, category_label(code, county))
    return sorted(seen.items())


def submitted(form) -> dict:
    return {name: form.get(name, "") for name in FIELDS}
