"""本县人员异地救助: the home county's list of its people helped where their hardship happened, showing that
each case exists (number, category, state, amounts, the helping county) with the masked name only."""
from __future__ import annotations

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import Case
from app.web.jurisdiction import HOME_COUNTY
from app.services.ledgers import public_name
from app.views.cases import CASE_LABELS, category_label, state_label


class HomeCountyCaseView(ModelView):
    """List only: no page of the case, no search, no export; the home county's jurisdiction is not the case's."""

    route_base = "/homecountycases"
    datamodel = SQLAInterface(Case)
    base_permissions = ["can_list"]
    base_filters = HOME_COUNTY
    list_title = _l("Our people helped in other counties")
    list_columns = ["number", "household", "county", "category", "state", "suggested_amount", "approved_amount",
                    "application_date"]
    search_columns: list[str] = []
    order_columns = ["number", "application_date"]
    base_order = ("application_date", "desc")
    label_columns = {**CASE_LABELS, "household": _l("Person's name"), "county": _l("Helped by")}
    formatters_columns = {"household": lambda h: public_name(h.head_name), "state": state_label,
                          "category": category_label,
                          **{c: (lambda v: "" if v is None else str(v)) for c in ("suggested_amount", "approved_amount")}}
