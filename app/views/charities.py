"""The charity register: charities and their projects (救急难 funds), kept by the city and the counties.

The register is public within the city (matching needs every charity's projects), so government staff
with the screen see all of it; a county keeps only its own charities, charity staff see their own.
A project's remaining budget is never typed: it starts at the budget and moves with aid and with
budget changes (:mod:`app.services.charities`).
"""
from __future__ import annotations

from types import SimpleNamespace

from flask import abort
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, false, inspect, or_
from sqlalchemy.orm.attributes import set_committed_value
from wtforms import SelectMultipleField

from app.models import Charity, CharityProject, Referral
from app.rules.keyed_fields import CATEGORY_KINDS
from app.security.scope import county_id_of, scope_clause, user_scope
from app.web.request_user import current_user
from app.services.charities import CharityRefused, change_budget, may_manage, prepare_new_project
from app.services.matching import referrals_for
from app.services.rules import current_rules
from app.views.base import ScopedInterface, ScopedModelView
from app.views.cases import category_label
from app.views.referrals import fit_label, state_label

KIND_NAMES = {"incident": _l("Every incident"), "illness": _l("Every illness"),
              "education": _l("Every education cost"), "other": _l("Every other hardship")}
CHARITY_LABELS = {"name": _l("Name"), "region": _l("Region"), "note": _l("Note")}
PROJECT_LABELS = {
    "charity": _l("Charity"), "name": _l("Project"), "categories": _l("Categories served"),
    "regions": _l("Regions served"), "budget": _l("Budget"), "remaining": _l("Remaining"), "active": _l("Active"),
    "note": _l("Note"), "created_at": _l("Created at"),
}


def category_choices() -> list[tuple[str, str]]:
    """Every kind, then every category of every county's rules (a city charity serves them all)."""
    rules = current_rules()
    choices = {kind: str(KIND_NAMES[kind]) for kind in CATEGORY_KINDS}
    for county in rules.counties():
        for category in rules.categories(county):
            key = f"{category.kind}:{category.code}"
            choices.setdefault(key, category_label(key, county))
    return list(choices.items())


def categories_shown(values) -> str:
    if not values:
        return str(_l("Every category"))
    names = dict(category_choices())
    return "、".join(names.get(value, value) for value in values)


class RegionsInScopeFilter(BaseFilter):
    """Regions a user may name: the whole city for the city; a county and its townships for the county."""

    name = "Regions in scope"
    arg_name = "regions_in_scope"

    def apply(self, query, value):
        user = current_user()
        scope = user_scope(user) if user is not None and user.is_authenticated else None
        if scope == "city":
            return query
        county = county_id_of(user.region) if scope == "county" else None
        if county is None:
            return query.filter(false())
        return query.filter(or_(self.model.id == county, self.model.parent_id == county))


class CharityRegionsFilter(RegionsInScopeFilter):
    """A charity belongs to the city or to a county."""

    def apply(self, query, value):
        return super().apply(query, value).filter(self.model.level.in_(("city", "county")))


class ManagedCharitiesFilter(BaseFilter):
    """The charities whose projects the user keeps."""

    name = "Charities kept"
    arg_name = "charities_kept"

    def apply(self, query, value):
        user = current_user()
        scope = user_scope(user) if user is not None and user.is_authenticated else None
        if scope == "city":
            return query
        county = county_id_of(user.region) if scope == "county" else None
        return query.filter(self.model.region_id == county) if county is not None else query.filter(false())


class Refused(Exception):
    """Raised in ``pre_add`` / ``pre_update``: Flask-AppBuilder flashes it and saves nothing."""

    def __init__(self, message: str):
        super().__init__(str(_l("Refused: %(message)s", message=message)))


def _check_manage(charity: Charity | None) -> None:
    if charity is None or not may_manage(charity, current_user()):
        raise Refused("this charity is not kept by your office")


class CharityView(ScopedModelView):
    datamodel = ScopedInterface(Charity)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    list_title = _l("Charities")
    show_title = _l("Charity")
    add_title = _l("Add charity")
    edit_title = _l("Edit charity")
    show_template = "tempaid/charity_show.html"
    list_columns = ["name", "region"]
    show_columns = ["name", "region", "note"]
    add_columns = edit_columns = ["name", "region", "note"]
    search_columns = ["name", "region"]
    base_order = ("name", "asc")
    label_columns = CHARITY_LABELS
    formatters_columns = {"note": lambda note: note or ""}
    add_form_query_rel_fields = edit_form_query_rel_fields = {"region": [["id", CharityRegionsFilter, None]]}

    def pre_add(self, item) -> None:
        _check_manage(item)

    def pre_update(self, item) -> None:
        """Both the charity as it was kept and as edited must be the office's: a county cannot take over
        another county's (or the city's) charity by saving it with its own county as region."""
        session = self.datamodel.session
        with session.no_autoflush:
            stored = session.scalar(select(Charity.region_id).where(Charity.id == item.id))
        _check_manage(SimpleNamespace(region=None, region_id=stored))
        _check_manage(item)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """The charity, its projects, and the pool's referrals that fit them (those the viewer may see), best
        fit first."""
        charity = self.datamodel.get(pk, self._base_filters)
        if charity is None:
            abort(404)
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=self._show(pk), related_views=[],
            charity=charity, matches=referrals_for(self.datamodel.session, charity.id,
                                                   scope_clause(Referral, current_user())),
            categories_shown=categories_shown, category_label=category_label, state_label=state_label,
            fit_label=fit_label)


class CharityProjectView(ScopedModelView):
    datamodel = ScopedInterface(CharityProject)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    list_title = _l("Charity projects")
    show_title = _l("Charity project")
    add_title = _l("Add charity project")
    edit_title = _l("Edit charity project")
    list_columns = ["charity", "name", "categories", "budget", "remaining", "active"]
    show_columns = ["charity", "name", "categories", "regions", "budget", "remaining", "active", "note",
                    "created_at"]
    add_columns = ["charity", "name", "categories", "regions", "budget", "active", "note"]
    edit_columns = ["name", "categories", "regions", "budget", "active", "note"]
    search_columns = ["charity", "name", "active"]
    order_columns = ["name", "budget", "remaining"]
    base_order = ("id", "desc")
    label_columns = PROJECT_LABELS
    description_columns = {
        "categories": _l("None chosen: every category"),
        "regions": _l("None chosen: the charity's own region"),
        "budget": _l("Changing it moves the remaining budget by the same difference"),
    }
    formatters_columns = {"categories": categories_shown, "active": lambda active: "✓" if active else "",
                          "regions": lambda regions: "、".join(r.name for r in regions or []),
                          "note": lambda note: note or ""}
    add_form_extra_fields = edit_form_extra_fields = {
        "categories": SelectMultipleField(_l("Categories served"), choices=category_choices,
                                          widget=Select2ManyWidget()),
    }
    add_form_query_rel_fields = {"charity": [["id", ManagedCharitiesFilter, None]],
                                 "regions": [["id", RegionsInScopeFilter, None]]}
    edit_form_query_rel_fields = {"regions": [["id", RegionsInScopeFilter, None]]}

    def pre_add(self, item) -> None:
        _check_manage(item.charity)
        prepare_new_project(item)

    def pre_update(self, item) -> None:
        """A budget change goes through the one conditional UPDATE that keeps ``remaining`` exact."""
        _check_manage(item.charity)
        if not item.regions:
            item.regions = [item.charity.region]
        history = inspect(item).attrs.budget.history
        if history.has_changes() and history.deleted:
            new_budget = item.budget
            set_committed_value(item, "budget", history.deleted[0])
            try:
                change_budget(self.datamodel.session, item, new_budget, current_user())
            except CharityRefused as exc:
                raise Refused(exc.message) from None
