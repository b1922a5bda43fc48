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

from flask import Response
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import BadRequest

from app.security import masking
from app.security.scope import JURISDICTION, current_user, in_scope


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

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        if filters is None:
            filters = self.get_filters().add_filter_list(JURISDICTION)
        return super().get(id, filters, select_columns, outer_default_load)


def _check_scope(item) -> None:
    if not in_scope(item, current_user()):
        raise BadRequest("outside your jurisdiction")


class ScopedModelView(ModelView):
    base_filters = JURISDICTION
    export_columns: list[str] | None = None  # default: show_columns

    def __init__(self, **kwargs):
        self.formatters_columns = {**masking.formatters(), **(self.formatters_columns or {})}
        super().__init__(**kwargs)

    @expose("/export/")
    @has_access
    @permission_name("export")
    def export(self):
        """The rows of the list the user may see, as a CSV file, personal data masked as on screen."""
        columns = self.export_columns or self.show_columns
        _count, items = self.datamodel.query(self._base_filters, *self.base_order)
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
        return "" if text_value is None else str(text_value)

    def pre_add(self, item) -> None:
        _check_scope(item)

    def pre_update(self, item) -> None:
        _check_scope(item)


class ScopedModelRestApi(ModelRestApi):
    base_filters = JURISDICTION

    def pre_add(self, item) -> None:
        _check_scope(item)

    def pre_update(self, item) -> None:
        _check_scope(item)

    def pre_get(self, data: dict) -> None:
        masking.mask_record(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        for record in data.get("result", []):
            masking.mask_record(record)
