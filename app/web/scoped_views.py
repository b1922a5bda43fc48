"""What every scoped list screen adds to :mod:`app.web.scoped`: exports and region columns.

Every list exports the rows the user may see (its filters applied), as CSV or as an Excel workbook,
through :mod:`app.services.spreadsheets` (formula cells neutralised there): headers by their labels in
the user's language, values as on screen (words, China time, masked personal data), money as numbers.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import Response
from flask_babel import lazy_gettext as _l
from flask_appbuilder import ModelView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.urltools import get_filter_args
from markupsafe import Markup

from app.rules.inputs import CST
from app.security.masking import PERSONAL_COLUMNS
from app.web import viewer as masking
from app.security.scope import user_scope
from app.services.spreadsheets import XLSX_MIMETYPE, table_csv, table_xlsx
from app.web.jurisdiction import JURISDICTION
from app.web.request_user import current_user
from app.web.scoped import _check_scope, _refused_by_mask, _without_personal


def export_value(value):
    """A value as a person reads it in a file: money and counts as numbers, the rest as words (no
    ``None``, ``True``, HTML or UTC times)."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return value.striptags()
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, (Decimal, int)):
        return value
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _in_words(formatter):
    def shown(value):
        out = formatter(value) if formatter else value
        if out is None:
            return ""
        if isinstance(out, bool):
            return _l("Yes") if out else _l("No")
        return out
    return shown


def shown_in_words(view) -> None:
    """Every column a list or detail page shows reads as words: an empty value is blank, never ``None``,
    and a yes/no value is 是/否, never ``True`` (on top of each column's own formatter)."""
    columns = set(view.list_columns or []) | set(view.show_columns or [])
    formatters = dict(view.formatters_columns or {})
    view.formatters_columns = {**formatters, **{c: _in_words(formatters.get(c)) for c in columns}}


#: a region column a list drops for a user who sees only one such region (scope → columns dropped)
_ONE_REGION = {"township": ("county", "township"), "county": ("county",), "charity": ("county",),
               "own_reports": ("county",), "city": ()}


class RegionColumnsMixin:
    """The list shows the county and the township of each row to a user who sees more than one of them
    (the city sees counties and townships, a county its townships), and leaves out what is always the
    same for the user. Declare ``region_list_columns`` (the list with both); the rows' regions load in the
    list's own query."""

    @property
    def list_columns(self):
        user = current_user()
        if user is None or not user.is_authenticated:
            return self.region_list_columns
        dropped = _ONE_REGION[user_scope(user)]
        return [c for c in self.region_list_columns if c not in dropped]

    @list_columns.setter
    def list_columns(self, columns):
        self.region_list_columns = list(columns)


class ScopedModelView(ModelView):
    base_filters = JURISDICTION
    list_template = "tempaid/list.html"  # FAB's list with the export buttons
    export_columns: list[str] | None = None  # default: show_columns

    def __init__(self, **kwargs):
        self.formatters_columns = {**masking.formatters(), **(self.formatters_columns or {})}
        columns = self.search_columns or self.datamodel.get_search_columns_list()
        self.search_columns = _without_personal(columns)
        self.order_columns = _without_personal(self.order_columns or self.datamodel.get_order_columns_list())
        super().__init__(**kwargs)
        shown_in_words(self)

    @expose("/export/")
    @has_access
    @permission_name("export")
    def export(self):
        """The rows of the list the user may see, as a CSV file, personal data masked as on screen."""
        headers, rows = self._export_table()
        return Response(table_csv(headers, rows), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={self._export_name()}.csv"})

    @expose("/export/xlsx/")
    @has_access
    @permission_name("export")
    def export_xlsx(self):
        """The same rows as an Excel workbook (money as numbers, account numbers as text)."""
        headers, rows = self._export_table()
        data = table_xlsx(str(self.list_title), headers, rows, sheet=str(self.list_title))
        return Response(data, mimetype=XLSX_MIMETYPE,
                        headers={"Content-Disposition": f"attachment; filename={self._export_name()}.xlsx"})

    def _export_name(self) -> str:
        return self.datamodel.obj.__tablename__

    def _export_items(self) -> list:
        """The rows of the filtered list (the list's own query), in its order."""
        get_filter_args(self._filters)
        filters = self._filters.get_joined_filters(self._base_filters)
        return self.datamodel.query(filters, *self.base_order)[1]

    def _export_table(self) -> tuple[list[str], list[list]]:
        """Headers in the user's language and the rows of the filtered list."""
        columns = self.export_columns or self.show_columns
        headers = [str(self.label_columns.get(c, c)) for c in columns]
        return headers, [[self._export_cell(item, c) for c in columns] for item in self._export_items()]

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", **kwargs):
        """FAB sorts a list by any ``_oc_<View>`` it is given (``_oc_HouseholdView=id_number`` ordered the
        rows by the hidden digits); only the declared order columns sort here, and none that the mask hides
        from this viewer. (Searches already take only ``search_columns``, which hold no personal column.)"""
        if order_column and (order_column not in self.order_columns
                             or _refused_by_mask(self.datamodel.obj, order_column)):
            order_column, order_direction = "", ""
        return super()._get_list_widget(filters, actions=actions, order_column=order_column,
                                        order_direction=order_direction, **kwargs)

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        """A detail page shows the rows that hold something: a field with no value (a closed case's
        办理期限, an incident nobody described) is left out rather than shown as a bare label, the same on
        every detail page. A false flag or a zero amount holds something and stays."""
        if show_fieldsets or self.show_fieldsets:
            return super()._get_show_widget(pk, item, widgets, actions, show_fieldsets)
        columns = [c for c in self.show_columns if self.datamodel._get_attr_value(item, c) not in (None, "", [], {})]
        widgets = widgets or {}
        widgets["show"] = self.show_widget(
            pk=pk, label_columns=self.label_columns, include_columns=columns,
            value_columns=self.datamodel.get_values_item(item, columns), formatters_columns=self.formatters_columns,
            actions=actions or self.actions, fieldsets=None, modelview_name=self.__class__.__name__)
        return widgets

    def _export_cell(self, item, column: str):
        value = self.datamodel._get_attr_value(item, column)
        last = column.split(".")[-1]  # household.id_number is masked like id_number
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool) and last not in PERSONAL_COLUMNS:
            return value  # money and counts stay numbers a spreadsheet sums, whatever the screen's format
        formatter = self.formatters_columns.get(column) or (
            self.formatters_columns.get(last) if last in PERSONAL_COLUMNS else None)
        return export_value(formatter(value) if formatter else value)

    def pre_add(self, item) -> None:
        _check_scope(item)

    def pre_update(self, item) -> None:
        _check_scope(item)


