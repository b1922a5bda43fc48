"""The base filters every scoped list carries: the rows and regions of the request's user.

Flask-AppBuilder applies a base filter while it builds the query, with no argument but the query, so
these filters ask the web layer who is asking (:func:`app.web.request_user.current_user`) and hand the
user to the pure clauses of :mod:`app.security.scope`.
"""
from __future__ import annotations

from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import false

from app.security.scope import county_id_of, home_county_clause, scope_clause, user_scope
from app.web.request_user import current_user


class JurisdictionFilter(BaseFilter):
    """A base filter every scoped view and API carries: ``[["id", JurisdictionFilter, None]]``."""

    name = "Jurisdiction"
    arg_name = "jurisdiction"

    def apply(self, query, value):
        return query.filter(scope_clause(self.model, current_user()))


JURISDICTION = [["id", JurisdictionFilter, lambda: None]]


class TownshipsInScopeFilter(BaseFilter):
    """For region dropdowns: only the townships the user may place a household or case in."""

    name = "Townships in scope"
    arg_name = "townships_in_scope"

    def apply(self, query, value):
        user = current_user()
        model = self.model
        query = query.filter(model.level == "township")
        scope = user_scope(user) if user is not None and user.is_authenticated else None
        if scope == "city":
            return query
        if scope == "county" and county_id_of(user.region) is not None:
            return query.filter(model.parent_id == county_id_of(user.region))
        if scope == "township" and user.region is not None:
            return query.filter(model.id == user.region.id)
        return query.filter(false())


TOWNSHIPS_IN_SCOPE = [["id", TownshipsInScopeFilter, lambda: None]]


class HomeCountyFilter(BaseFilter):
    """The base filter of the home county's list of its people helped elsewhere."""

    name = "Home county"
    arg_name = "home_county"

    def apply(self, query, value):
        return query.filter(home_county_clause(current_user()))


HOME_COUNTY = [["id", HomeCountyFilter, lambda: None]]


class CountiesInScopeFilter(BaseFilter):
    """For the case list's county search (the dashboards link to it): the counties the user may see."""

    name = "Counties in scope"
    arg_name = "counties_in_scope"

    def apply(self, query, value):
        user = current_user()
        query = query.filter(self.model.level == "county")
        scope = user_scope(user) if user is not None and user.is_authenticated else None
        if scope == "city":
            return query
        if scope in ("county", "township") and county_id_of(user.region) is not None:
            return query.filter(self.model.id == county_id_of(user.region))
        return query.filter(false())


COUNTIES_IN_SCOPE = [["id", CountiesInScopeFilter, lambda: None]]
