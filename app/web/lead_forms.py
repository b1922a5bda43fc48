"""The fields of a lead report, shared by the grid worker's screen and the public form: the township
choices and the county's categories, read from the regions and the rule files."""
from __future__ import annotations

from sqlalchemy import select

from app.models import Region
from app.models.audit import utcnow
from app.rules.inputs import CST
from app.services.leads import categories_of
from app.web.case_words import CATEGORY_KINDS, category_label

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


def category_choices(rules, townships: list[Region]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The categories of the counties these townships lie in, grouped as the rule file groups them:
    ``[(kind's name, [(code, name), …]), …]`` — kinds and categories in the file's order (the first
    county's names for a code two counties share)."""
    today = utcnow().astimezone(CST).date()
    groups: dict[str, dict[str, str]] = {}
    for county in sorted({t.parent.code for t in townships if t.parent is not None}):
        for code in categories_of(rules, county, today):
            groups.setdefault(code.split(":", 1)[0], {}).setdefault(code, category_label(code, county))
    return [(str(CATEGORY_KINDS.get(kind, kind)), list(choices.items())) for kind, choices in groups.items()]


def submitted(form) -> dict:
    return {name: form.get(name, "") for name in FIELDS}
