"""Jurisdiction: which rows a user may see, decided in this one place.

A user's scope is the widest scope of their roles (config/roles.yaml); the region it is anchored to is
the user's region. A model takes part by naming its region columns in ``__scope_columns__``
(``{"township": "township_id", "county": "county_id"}``), or the parent row it is scoped through in
``__scope_via__``; a model that declares neither is visible to nobody unless it says
``__scope_public__ = True`` (fail closed); every screen and API filters through
:class:`app.web.jurisdiction.JurisdictionFilter`, so list, show, edit, delete and access by id all see the same rows.
Charity staff see what a model's ``charity_clause(user)`` classmethod admits, and nothing of a model
with region columns but no such clause; a grid worker (``own_reports``) likewise sees what a model's
``reporter_clause(user)`` admits (the leads they reported), and nothing else.

Every function here takes the user as an argument; none reads the request.
"""
from __future__ import annotations

from sqlalchemy import false, true

from app.security.roles import declared_roles

SCOPE_WIDTH = {"own_reports": 0, "charity": 0, "township": 1, "county": 2, "city": 3}
ADMIN_ROLE = "Admin"


def user_scope(user) -> str:
    """``city``, ``county``, ``township``, ``charity`` or ``own_reports`` (the widest the user holds)."""
    return scope_of_roles(role.name for role in user.roles)


def scope_of_roles(names) -> str:
    """The widest scope of the roles named (for work over many users read as rows, not ORM objects)."""
    roles = declared_roles()
    scopes = ["city" if name == ADMIN_ROLE else roles[name].scope
              for name in names if name == ADMIN_ROLE or name in roles]
    return max(scopes, key=SCOPE_WIDTH.__getitem__) if scopes else "own_reports"


def sees_personal_data(user) -> bool:
    """Whole ID numbers, phones and bank accounts only for roles that work the case."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = declared_roles()
    return any(role.name == ADMIN_ROLE or (role.name in roles and roles[role.name].sees_personal_data)
               for role in user.roles)


def county_id_of(region) -> int | None:
    if region is None:
        return None
    return region.id if region.level == "county" else region.parent_id if region.level == "township" else None


def scope_clause(model, user):
    """The WHERE clause limiting ``model`` to what ``user`` may see."""
    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    if hasattr(model, "charity_clause") and user_scope(user) == "charity":
        # charity staff are anchored to their charity, not to a region: the model says what that shows
        return model.charity_clause(user)
    if hasattr(model, "reporter_clause") and user_scope(user) == "own_reports":
        # a grid worker is anchored to what they reported (急难线索), not to a region
        return model.reporter_clause(user)
    via = getattr(model, "__scope_via__", None)
    if via is not None:  # scoped through a parent row, e.g. a member through its household
        relationship = getattr(model, via)
        return relationship.has(scope_clause(relationship.property.mapper.class_, user))
    columns = getattr(model, "__scope_columns__", None)
    if columns is None:  # fail closed: a model is visible to all only when it says so
        return true() if getattr(model, "__scope_public__", False) else false()
    scope = user_scope(user)
    if scope == "city":
        return true()
    region = user.region
    if scope == "county" and county_id_of(region) is not None:
        return getattr(model, columns["county"]) == county_id_of(region)
    if scope == "township" and region is not None and region.level == "township":
        return getattr(model, columns["township"]) == region.id
    return false()


def _region_id(obj, column: str) -> int | None:
    """The region id of an object not yet flushed: read through the relationship (``township_id`` →
    ``township``) when it is set, since the foreign key column fills only at flush."""
    related = getattr(obj, column.removesuffix("_id"), None)
    return related.id if related is not None else getattr(obj, column)


def in_scope(obj, user) -> bool:
    """The same decision for one object in memory (used before saving a new or moved row)."""
    via = getattr(type(obj), "__scope_via__", None)
    if via is not None:
        parent = getattr(obj, via)
        return parent is not None and in_scope(parent, user)
    columns = getattr(type(obj), "__scope_columns__", None)
    if columns is None:
        return bool(getattr(type(obj), "__scope_public__", False))
    scope = user_scope(user)
    if scope == "city":
        return True
    if scope == "own_reports" and hasattr(type(obj), "reporter_clause"):
        return getattr(obj, "reported_by_id", None) == user.id
    if scope == "county":
        return _region_id(obj, columns["county"]) == county_id_of(user.region)
    if scope == "township":
        return user.region is not None and _region_id(obj, columns["township"]) == user.region.id
    return False


def home_county_clause(user):
    """Cases of people passing through (临时遇困人员) whose home is in the user's county, helped by another
    county (急难发生地实施救助): the home county sees that they exist. Their home is the home place of a
    record of passing through, or the county of their own household when the case points to it
    (app/services/passing.py). The city sees every such case; a township or any narrower scope sees none.
    Read by :class:`HomeCountyFilter` only, which lists number, category, state and amount with the masked
    name, nothing else."""
    from app.models import Case, Household

    if user is None or not getattr(user, "is_authenticated", False):
        return false()
    scope = user_scope(user)
    passing = Household.passing_through.is_(True)
    if scope == "city":
        return Case.household.has((passing & Household.home_county_id.is_not(None))
                                  | (~passing & (Household.county_id != Case.county_id)))
    county = county_id_of(user.region) if scope == "county" else None
    if county is None:
        return false()
    return Case.household.has((passing & (Household.home_county_id == county))
                              | (~passing & (Household.county_id == county))) & (Case.county_id != county)
