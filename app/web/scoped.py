"""The base every scoped screen and API uses, closing Flask-AppBuilder's scoping holes in one place.

It lives below both doors (``app/views`` and ``app/api`` import it, it imports neither):

1. rows outside the user's jurisdiction are filtered from list, show, edit, delete and by id (404);
2. every fetch by id goes through the filtered query, bulk actions included (:class:`ScopedInterface`);
3. REST create and update refuse a row placed outside the jurisdiction (400);
4. related-field choices (form dropdowns, search forms, the REST ``_info``) list only rows in the
   jurisdiction, the region dropdowns only the regions a row may be placed in;
5. personal columns are masked for roles that do not work the case (lists, detail, exports, API), and
   nothing is sorted or filtered by what a mask hides (:func:`app.security.masking.reveals_personal`);
6. a create, edit or delete through the interface names the acting user to the audit trail
   (:func:`app.services.audit.acting`), so the audit service never reads the request.

The screens' own additions (exports, region columns) are in :mod:`app.web.scoped_views`.
"""
from __future__ import annotations

import json

from flask import Response, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_appbuilder import ModelRestApi
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.exceptions import DatabaseException
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest

from app.security import masking
from app.web import viewer
from app.security.scope import in_scope
from app.services.audit import acting
from app.services.ids import is_row_id
from app.web.errors import ApiRefusal
from app.web.jurisdiction import JURISDICTION
from app.web.list_counts import capped_count
from app.web.request_user import current_user, current_user_id
from app.web.server_errors import database_refusal

NOT_AN_ID = _l("Not the id of a record")


def as_answered(schema, extra: dict) -> None:
    """FAB's read schema as the API answers: money a decimal string (never a float; a reversal's negative), a related row
    possibly absent (null), plus the fields ``pre_get`` adds."""
    from marshmallow import fields as mfields

    from app.web.schemas.base import SignedMoney

    replaced = {name: SignedMoney(dump_only=True, allow_none=True) for name, field in schema.fields.items()
                if isinstance(field, (mfields.Decimal, mfields.Float))}
    for name, field in {**replaced, **extra}.items():
        schema._bind_field(name, field)
        schema.fields[name] = schema.dump_fields[name] = field
    for field in schema.fields.values():
        if isinstance(field, mfields.Nested):
            field.allow_none = True
            as_answered(field.schema, {})


class ScopedInterface(SQLAInterface):
    """Fetching one row by id always applies the jurisdiction, even where FAB passes no filters
    (``/action/<name>/<pk>`` and ``/action_post``).

    A list page costs the same few queries whatever its size and the caseload: the page's rows (sorted
    and cut by an index), then each many-to-one neighbour for all of them at once (``selectinload``: one
    ``WHERE id IN (…)`` per relation), and a count that stops at a cap (:mod:`app.web.list_counts`).
    Joining the neighbours into the page's query instead made PostgreSQL join a million rows before
    sorting them (1.3 s a page for the whole city)."""

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None, page_size=None,
                  select_columns=None, outer_default_load=False):
        if not select_columns:
            query = query.options(*[selectinload(rel) for rel in self._many_to_one()])
        return super().apply_all(query, filters, order_column, order_direction, page, page_size,
                                 select_columns, outer_default_load)

    def query_count(self, query, filters=None, select_columns=None) -> int:
        """The list's rows counted up to the cap (exact below it), not ``count(*)`` over the caseload. The
        API's selected neighbours (``household.head_name``) are not joined for counting: a many-to-one join
        adds no row and cost the API's count 70 ms at a million cases (a filter on a neighbour still joins
        it, as FAB's filters do)."""
        return capped_count(self._apply_inner_all(query, filters, aliases_mapping={}))

    def _many_to_one(self):
        return [getattr(self.obj, rel.key) for rel in sa_inspect(self.obj).relationships
                if rel.direction.name == "MANYTOONE"]

    def add(self, item, commit: bool = True) -> None:
        """A constraint the row breaks (an ID number registered already) is refused in words, never with the
        database's text: FAB shows that text on the screen and sends it from the API."""
        try:
            with acting(self.session, current_user_id()):
                super().add(item, commit)
        except SQLAlchemyError as exc:
            raise database_refusal(exc) from None

    def edit(self, item, commit: bool = True) -> None:
        try:
            with acting(self.session, current_user_id()):
                super().edit(item, commit)
        except DatabaseException as exc:
            raise database_refusal(exc.__cause__) from None

    def delete(self, item, commit: bool = True) -> None:
        try:
            with acting(self.session, current_user_id()):
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
    return masking.reveals_personal(model, column, viewer.viewer_sees_whole())


def _masked_response(response: Response) -> Response:
    """Create and update answer with the record too: mask it as a read would be."""
    body = response.get_json(silent=True)
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        viewer.mask_record(body["result"])
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response



class ScopedModelRestApi(ModelRestApi):
    base_filters = JURISDICTION
    #: fields an answer gains after FAB's schema dumped it (``pre_get``), so the document names them too
    answer_fields: dict = {}

    def __init__(self):
        self.search_columns = _without_personal(self.search_columns or self.datamodel.get_search_columns_list())
        self.order_columns = _without_personal(self.order_columns or self.datamodel.get_order_columns_list())
        super().__init__()
        # FAB gives a column without a description gettext(""): the catalogue's header, on the client's screen
        columns = {*self.add_columns, *self.edit_columns, *self.list_columns, *self.show_columns}
        self.description_columns = {**{c: self.label_columns.get(c, c) for c in columns},
                                    **(self.description_columns or {})}

    def _init_model_schemas(self) -> None:
        super()._init_model_schemas()
        for schema in {id(s): s for s in (self.list_model_schema, self.show_model_schema)}.values():
            as_answered(schema, self.answer_fields)

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
        viewer.mask_record(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        for record in data.get("result", []):
            viewer.mask_record(record)
