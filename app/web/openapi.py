"""The OpenAPI document Flask-AppBuilder serves (``/api/v1/_openapi``), describing our contract.

:func:`documented` writes an endpoint's operation from its schemas (body, answer, the errors it may give,
an example), so the document and the code cannot drift apart; :func:`install` registers the schemas,
the error responses in the one error shape (400, 401, 403, 404, 409, 413, 422, 429, 500) and the security
schemes (a JWT from ``POST /api/v1/security/login``) on every API, ours and Flask-AppBuilder's models.
"""
from __future__ import annotations

import re

import yaml
from flask_appbuilder.api import BaseApi

from app.services.ids import MAX_ROW_ID
from app.web.schemas import cases, charity, engine, leads, money, public, rules
from app.web.schemas.base import Error, ErrorDetail

SCHEMAS = (Error, ErrorDetail, *cases.SCHEMAS, *charity.SCHEMAS, *money.SCHEMAS, *rules.SCHEMAS, *public.SCHEMAS,
           *leads.SCHEMAS, engine.Check, engine.Amount,
           engine.EngineError, engine.EngineErrorDetail, engine.EngineInput, engine.HouseholdFigures)
ERROR_WORDS = {
    "400": "The request is not understood or refused (a business rule; the code says which)",
    "401": "Not logged in, or the token expired or was revoked",
    "403": "Your role may not do this",
    "404": "No such record in your jurisdiction",
    "405": "The address does not take that method (for instance an id in the path that is not a number)",
    "409": "Conflicts with the record's state or a record saved meanwhile (a lost race, a duplicate)",
    "413": "The body is larger than the server accepts (1 MB)",
    "422": "A field of the body is missing, unknown or malformed (the field is named)",
    "429": "Too many requests; try again later",
    "500": "Server error; nothing was saved (quote the request id)",
}
ERROR_EXAMPLES = {
    "400": {"field": None, "code": "above_maximum", "message": "批准金额超过上限"},
    "401": {"field": None, "code": "unauthorized", "message": "请先登录"},
    "403": {"field": None, "code": "forbidden", "message": "您的角色不能执行此操作"},
    "404": {"field": None, "code": "not_found", "message": "未找到"},
    "405": {"field": None, "code": "method_not_allowed", "message": "此地址不接受该请求方法"},
    "409": {"field": None, "code": "already_claimed", "message": "已被其他慈善组织认领"},
    "413": {"field": None, "code": "too_large", "message": "请求内容超过服务器接受的大小"},
    "422": {"field": "amount", "code": "invalid", "message": "金额须为元，最多两位小数，如 \"1200.50\""},
    "429": {"field": None, "code": "too_many_requests", "message": "请求过于频繁，请稍后再试"},
    "500": {"field": None, "code": "server_error", "message": "服务器出错，未保存任何内容"},
}
ERROR_RESPONSES = {
    status: {"description": words, "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}, "example": {"error": ERROR_EXAMPLES[status]}}}}
    for status, words in ERROR_WORDS.items()}
SECURITY_SCHEMES = {
    "jwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "access_token from POST /api/v1/security/login"},
    "jwt_refresh": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
    "api_key": {"type": "apiKey", "in": "header", "name": "Authorization"},
}
#: the paging every list takes (rison ``q``), bounded by FAB_API_MAX_PAGE_SIZE
PAGE_SIZE_MAX = 100


def _ref(schema) -> dict:
    return {"$ref": f"#/components/schemas/{schema.__name__}"}


def documented(summary: str, method: str = "post", body=None, reply=None, status: int = 200,
               errors=(400, 404), example: dict | None = None, description: str = "",
               parameters: list | None = None, responses: dict | None = None):
    """Write the endpoint's OpenAPI operation into its docstring, where Flask-AppBuilder reads it."""
    def mark(func):
        operation = {"summary": summary, "description": description or (func.__doc__ or "").strip()}
        if body is not None:
            content = {"schema": _ref(body)}
            if example is not None:
                content["example"] = example
            operation["requestBody"] = {"required": True, "content": {"application/json": content}}
        answers = {str(status): {"description": summary,
                                   "content": {"application/json": {"schema": _ref(reply)}}} if reply else
                     {"description": summary}}
        for code in sorted({*errors, 401, 403, 500} | ({422} if body is not None else set())):
            answers[str(code)] = {"$ref": f"#/components/responses/{code}"}
        operation["responses"] = {**answers, **(responses or {})}
        if parameters:
            operation["parameters"] = parameters
        func.__doc__ = f"{summary}\n---\n" + yaml.safe_dump({method: operation}, allow_unicode=True, sort_keys=False)
        return func
    return mark


def _fab_names_the_schemes() -> bool:
    """Flask-AppBuilder's login API registers the same schemes itself (and refuses a second one)."""
    from flask import current_app
    from flask_appbuilder.security.api import SecurityApi

    return any(isinstance(view, SecurityApi) for view in current_app.appbuilder.baseviews)


def _add_components(original):
    def add_apispec_components(self, api_spec) -> None:
        original(self, api_spec)
        for schema in SCHEMAS:
            if schema.__name__ not in api_spec.components.schemas:
                api_spec.components.schema(schema.__name__, schema=schema)
        if _fab_names_the_schemes():
            return
        for name, scheme in SECURITY_SCHEMES.items():
            if name not in api_spec.components.security_schemes:
                api_spec.components.security_scheme(name, scheme)
    add_apispec_components.contract = True
    return add_apispec_components


_TEMPLATE = re.compile(r"{([^}]+)}")


def _ids_are_numbers(operation: dict) -> None:
    """FAB documents a list's ``ids`` and a record's ``id`` as strings; our keys are whole numbers."""
    for response in operation.get("responses", {}).values():
        schema = (response.get("content", {}).get("application/json") or {}).get("schema", {}) \
            if isinstance(response, dict) else {}
        ids = schema.get("properties", {}).get("ids")
        if ids and ids.get("items", {}).get("type") == "string":
            ids["items"] = {"type": "integer"}
        for name in ("add_columns", "edit_columns"):  # FAB answers a list of the fields, documents an object
            columns = schema.get("properties", {}).get(name)
            if columns and columns.get("type") == "object":
                schema["properties"][name] = {"type": "array", "items": {"type": "object"}}
        key = schema.get("properties", {}).get("id")
        if key and key.get("type") == "string":
            key["type"] = "integer"


def _menu_separators(path: str, operation: dict) -> None:
    """FAB's menu (``GET /api/v1/menu/``) answers a separator between entries as the string ``"-"``; its
    own document says every child is an object."""
    if not path.endswith("/menu/"):
        return
    schema = (((operation.get("responses", {}).get("200") or {}).get("content") or {})
              .get("application/json") or {}).get("schema", {})
    entry = schema.get("properties", {}).get("result", {}).get("items", {})
    childs = entry.get("properties", {}).get("childs")
    if childs and childs.get("items", {}).get("type") == "object":
        childs["items"] = {"anyOf": [childs["items"], {"type": "string", "enum": ["-"],
                                                       "description": "a separator"}]}


def method_of(item: dict, operation: dict) -> str:
    return next(method for method, found in item.items() if found is operation)


def _errors_named(path: str, method: str, operation: dict) -> None:
    """Every operation documents the errors it can answer, FAB's model endpoints included: a bad ``q``
    (400), no login (401), a role without the permission (403), a server error (500); with an id in the
    path no such row in the jurisdiction (404); with a body a refused field (422) and a conflict (409);
    the login its rate limit (429); an id that is no number may meet
    another route of the same address (405)."""
    codes = {"400", "500"}
    if operation.get("security") or "security/login" not in path:
        codes |= {"401", "403"}
    if "{" in path:
        codes |= {"404", "405"}
    if method in ("post", "put", "patch"):
        codes |= {"409", "413", "422"}
    if path.endswith("/security/login"):
        codes.add("429")
    if "/public/" in path:  # no login; a county code that names no county (404); per-address limits (429)
        codes = (codes - {"401", "403"}) | {"404", "429"}
    responses = operation.setdefault("responses", {})
    for code in sorted(codes - set(responses)):
        responses[code] = {"$ref": f"#/components/responses/{code}"}


def _with_path_parameters(original):
    """Every ``{name}`` of a path is declared as a parameter of its operations (an id a whole number)."""
    def add_api_spec(self, api_spec) -> None:
        original(self, api_spec)
        for path, item in api_spec._paths.items():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                _ids_are_numbers(operation)
                _menu_separators(path, operation)
                _errors_named(path, method_of(item, operation), operation)
                declared = {p.get("name") for p in operation.get("parameters", []) if isinstance(p, dict)}
                for name in _TEMPLATE.findall(path):
                    if name not in declared:
                        kind = {"type": "string"} if name == "name" else {"type": "integer", "minimum": 0,
                                                                           "maximum": MAX_ROW_ID}
                        operation.setdefault("parameters", []).append(
                            {"in": "path", "name": name, "required": True, "schema": kind})
    add_api_spec.contract = True
    return add_api_spec


def install() -> None:
    """Every API's part of the document carries the contract's schemas, error responses and security
    schemes (Flask-AppBuilder registers components per API, the first registration winning)."""
    BaseApi.responses = ERROR_RESPONSES
    if not getattr(BaseApi.add_apispec_components, "contract", False):
        BaseApi.add_apispec_components = _add_components(BaseApi.add_apispec_components)
    if not getattr(BaseApi.add_api_spec, "contract", False):
        BaseApi.add_api_spec = _with_path_parameters(BaseApi.add_api_spec)
