"""The base every scoped screen and API uses, closing Flask-AppBuilder's scoping holes in one place.

1. rows outside the user's jurisdiction are filtered from list, show, edit, delete and by id (404);
2. every fetch by id goes through the filtered query, bulk actions included (:class:`ScopedInterface`);
3. REST create and update refuse a row placed outside the jurisdiction (400);
4. related-field choices (form dropdowns, search forms, the REST ``_info``) list only rows in the
   jurisdiction, the region dropdowns only the regions a row may be placed in;
5. personal columns are masked for roles that do not work the case (lists, detail, exports, API), and
   nothing is sorted or filtered by what a mask hides (:func:`app.security.masking.reveals_personal`).

Every list exports the rows the user may see (its filters applied), as CSV or as an Excel workbook,
through :mod:`app.services.spreadsheets` (formula cells neutralised there): headers by their labels in
the user's language, values as on screen (words, China time, masked personal data), money as numbers.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from flask import Response, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.urltools import get_filter_args
from flask_appbuilder import ModelRestApi, ModelView
from markupsafe import Markup
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.exceptions import DatabaseException
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import BadRequest

from app.rules.inputs import CST
from app.security import masking
from app.security.scope import JURISDICTION, current_user, in_scope, user_scope
from app.services.ids import is_row_id
from app.web.errors import ApiRefusal
from app.web.server_errors import database_refusal

from app.services.spreadsheets import XLSX_MIMETYPE, table_csv, table_xlsx

NOT_AN_ID = _l("Not the id of a record")


class ScopedInterface(SQLAInterface):
    """Fetching one row by id always applies the jurisdiction, even where FAB passes no filters
    (``/action/<name>/<pk>`` and ``/action_post``); lists load the rows' many-to-one neighbours in the
    same query, so the number of queries for a page does not grow with its size."""

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None, page_size=None,
                  select_columns=None, outer_default_load=False):
        if not select_columns:
            query = query.options(*[joinedload(rel) for rel in self._many_to_one()])
        return super().apply_all(query, filters, order_column, order_direction, page, page_size,
                                 select_columns, outer_default_load)

    def _many_to_one(self):
        return [getattr(self.obj, rel.key) for rel in sa_inspect(self.obj).relationships
                if rel.direction.name == "MANYTOONE"]

    def add(self, item, commit: bool = True) -> None:
        """A constraint the row breaks (an ID number registered already) is refused in words, never with the
        database's text: FAB shows that text on the screen and sends it from the API."""
        try:
            super().add(item, commit)
        except SQLAlchemyError as exc:
            raise database_refusal(exc) from None

    def edit(self, item, commit: bool = True) -> None:
        try:
            super().edit(item, commit)
        except DatabaseException as exc:
            raise database_refusal(exc.__cause__) from None

    def delete(self, item, commit: bool = True) -> None:
        try:
            super().delete(item, commit)
        except DatabaseException as exc:
            raise database_refusal(exc.__cause__) from None

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        if filters is None:
            filters = self.get_filters().add_filter_list(JURISDICTION)
        return super().get(id, filters, select_columns, outer_default_load)

    def get_related_interface(self, col_name: str):
        return ChoicesInterface(self.get_related_model(col_name))


class ChoicesInterface(ScopedInterface):
    """The rows a related field offers: FAB lists them from the whole table, so a household or user
    dropdown (and the ``_info`` choices of an API) named rows of every county. Here they pass the same
    jurisdiction as the lists; a model that declares no scope (the users) offers nothing."""

    def query(self, filters=None, *args, **kwargs):
        filters = filters.copy() if filters is not None else self.get_filters()
        return super().query(filters.add_filter_list(JURISDICTION), *args, **kwargs)


def _check_scope(item) -> None:
    township = getattr(item, "township", None)
    if township is not None and township.level != "township":
        raise BadRequest("township must be a township or street")
    if not in_scope(item, current_user()):
        raise BadRequest("outside your jurisdiction")


def _without_personal(columns: list[str]) -> list[str]:
    """Nobody searches or sorts by personal data: a filter on a masked column answers what the mask
    hides (``id_number starts with 3708811975`` → one row or none)."""
    return [c for c in columns if c.split(".")[-1] not in masking.PERSONAL_COLUMNS]


def _refused_by_mask(model, column: str) -> bool:
    return masking.reveals_personal(model, column, masking.viewer_sees_whole())


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


def _masked_response(response: Response) -> Response:
    """Create and update answer with the record too: mask it as a read would be."""
    body = response.get_json(silent=True)
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        masking.mask_record(body["result"])
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response


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

    def _export_table(self) -> tuple[list[str], list[list]]:
        """Headers in the user's language and the rows of the filtered list (the list's own query)."""
        columns = self.export_columns or self.show_columns
        get_filter_args(self._filters)
        filters = self._filters.get_joined_filters(self._base_filters)
        _count, items = self.datamodel.query(filters, *self.base_order)
        headers = [str(self.label_columns.get(c, c)) for c in columns]
        return headers, [[self._export_cell(item, c) for c in columns] for item in items]

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", **kwargs):
        """FAB sorts a list by any ``_oc_<View>`` it is given (``_oc_HouseholdView=id_number`` ordered the
        rows by the hidden digits); only the declared order columns sort here, and none that the mask hides
        from this viewer. (Searches already take only ``search_columns``, which hold no personal column.)"""
        if order_column and (order_column not in self.order_columns
                             or _refused_by_mask(self.datamodel.obj, order_column)):
            order_column, order_direction = "", ""
        return super()._get_list_widget(filters, actions=actions, order_column=order_column,
                                        order_direction=order_direction, **kwargs)

    def _export_cell(self, item, column: str):
        value = self.datamodel._get_attr_value(item, column)
        last = column.split(".")[-1]  # household.id_number is masked like id_number
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool) and last not in masking.PERSONAL_COLUMNS:
            return value  # money and counts stay numbers a spreadsheet sums, whatever the screen's format
        formatter = self.formatters_columns.get(column) or (
            self.formatters_columns.get(last) if last in masking.PERSONAL_COLUMNS else None)
        return export_value(formatter(value) if formatter else value)

    def pre_add(self, item) -> None:
        _check_scope(item)

    def pre_update(self, item) -> None:
        _check_scope(item)


class ScopedModelRestApi(ModelRestApi):
    base_filters = JURISDICTION

    def __init__(self):
        self.search_columns = _without_personal(self.search_columns or self.datamodel.get_search_columns_list())
        self.order_columns = _without_personal(self.order_columns or self.datamodel.get_order_columns_list())
        super().__init__()

    def get_list_headless(self, **kwargs) -> Response:
        """No order or filter on what the mask hides for this viewer (400), e.g. a charity filtering
        referrals by ``household`` before it has claimed them."""
        args = kwargs.get("rison", {})
        model = self.datamodel.obj
        columns = [args.get("order_column") or ""] + [f.get("col", "") for f in args.get("filters", [])
                                                     if isinstance(f, dict)]
        if any(column and _refused_by_mask(model, str(column)) for column in columns):
            return self.response_400(message=gettext("Lists cannot be sorted or filtered by masked personal data."))
        return super().get_list_headless(**kwargs)

    def info_headless(self, **kwargs) -> Response:
        """``_info`` offers no filter on what the mask hides for this viewer (the choices themselves are
        scoped by :class:`ChoicesInterface`)."""
        response = super().info_headless(**kwargs)
        body = response.get_json(silent=True)
        if isinstance(body, dict) and isinstance(body.get("filters"), dict):
            model = self.datamodel.obj
            body["filters"] = {col: ops for col, ops in body["filters"].items() if not _refused_by_mask(model, col)}
            response.set_data(json.dumps(body, ensure_ascii=False))
        return response

    def post_headless(self) -> Response:
        self._check_related_ids()
        return _masked_response(super().post_headless())

    def put_headless(self, pk) -> Response:
        self._check_related_ids()
        return _masked_response(super().put_headless(pk))

    def _check_related_ids(self) -> None:
        """A related row is named by an id the database can hold (a 20-digit ``township`` overflows the
        driver inside FAB's schema, a 500); anything else is refused on its field."""
        body = request.get_json(silent=True)
        for key, value in (body.items() if isinstance(body, dict) else ()):
            if self.datamodel.is_relation(key) and value is not None and not is_row_id(value):
                raise ApiRefusal(422, "invalid_id", NOT_AN_ID, key)

    def pre_add(self, item) -> None:
        _check_scope(item)

    def pre_update(self, item) -> None:
        _check_scope(item)

    def pre_get(self, data: dict) -> None:
        masking.mask_record(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        for record in data.get("result", []):
            masking.mask_record(record)
