"""The base every scoped screen and API uses, closing Flask-AppBuilder's scoping holes in one place.

1. rows outside the user's jurisdiction are filtered from list, show, edit, delete and by id (404);
2. every fetch by id goes through the filtered query, bulk actions included (:class:`ScopedInterface`);
3. REST create and update refuse a row placed outside the jurisdiction (400);
4. related-field dropdowns list only regions in the jurisdiction;
5. personal columns are masked for roles that do not work the case (lists, detail, exports, API).

Exports are CSV in UTF-8 with a byte-order mark, which spreadsheet programs open with Chinese intact.
"""
from __future__ import annotations

import csv
import io
import json

from flask import Response, request
from flask_babel import lazy_gettext as _l
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder.urltools import get_filter_args
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.exceptions import DatabaseException
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import BadRequest

from app.security import masking
from app.security.scope import JURISDICTION, current_user, in_scope
from app.services.ids import is_row_id
from app.web.errors import ApiRefusal
from app.web.server_errors import database_refusal

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


def _safe_cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _masked_response(response: Response) -> Response:
    """Create and update answer with the record too: mask it as a read would be."""
    body = response.get_json(silent=True)
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        masking.mask_record(body["result"])
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response


class ScopedModelView(ModelView):
    base_filters = JURISDICTION
    export_columns: list[str] | None = None  # default: show_columns

    def __init__(self, **kwargs):
        self.formatters_columns = {**masking.formatters(), **(self.formatters_columns or {})}
        columns = self.search_columns or self.datamodel.get_search_columns_list()
        self.search_columns = _without_personal(columns)
        self.order_columns = _without_personal(self.order_columns or self.datamodel.get_order_columns_list())
        super().__init__(**kwargs)

    @expose("/export/")
    @has_access
    @permission_name("export")
    def export(self):
        """The rows of the list the user may see, as a CSV file, personal data masked as on screen."""
        columns = self.export_columns or self.show_columns
        get_filter_args(self._filters)
        filters = self._filters.get_joined_filters(self._base_filters)
        _count, items = self.datamodel.query(filters, *self.base_order)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([str(self.label_columns.get(c, c)) for c in columns])
        for item in items:
            writer.writerow([self._export_cell(item, c) for c in columns])
        name = self.datamodel.obj.__tablename__
        return Response("\ufeff" + buffer.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={name}.csv"})

    def _export_cell(self, item, column: str) -> str:
        value = getattr(item, column)
        formatter = self.formatters_columns.get(column)
        text_value = formatter(value) if formatter else value
        return "" if text_value is None else _safe_cell(str(text_value))

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
