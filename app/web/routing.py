"""``<int:pk>`` in every route stops at the largest row id: a 20-digit id answers 404 like any id of no
row, instead of overflowing the database driver (a 500)."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from app.services.ids import MAX_ROW_ID


class RowIdConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def bound_row_ids(app: Flask) -> None:
    """Before any route is added."""
    app.url_map.converters["int"] = RowIdConverter
