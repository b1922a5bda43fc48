"""The contract check: an API answer validates against the schema the OpenAPI document gives for its
operation and status, so nothing the suite sees breaks the shape a client was generated from.

:class:`ContractClient` is a Flask test client that checks every ``/api/v1/`` answer it receives; the
API tests use it (tests/api/conftest.py). The document is the one Flask-AppBuilder serves, built once per
app by its own endpoint function.
"""
from __future__ import annotations

import inspect
import re

from flask.testing import FlaskClient
from openapi_schema_validator import OAS30Validator

DOCUMENT_ERRORS = ("400", "401", "403", "404", "405", "409", "413", "422", "429", "500")
_DOCUMENTS: dict[int, dict] = {}


def load_document(app) -> dict:
    """The OpenAPI document of ``/api/v1/_openapi`` (its endpoint called without the login check)."""
    if id(app) not in _DOCUMENTS:
        from flask_appbuilder.api.manager import OpenApi

        view = next(v for v in app.appbuilder.baseviews if isinstance(v, OpenApi))
        with app.test_request_context("/api/v1/_openapi"):
            _DOCUMENTS[id(app)] = inspect.unwrap(OpenApi.get)(view, "v1").get_json()
    return _DOCUMENTS[id(app)]


def _path_pattern(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def operation_of(document: dict, method: str, path: str) -> dict | None:
    """The documented operation of a request path (a literal path before a templated one)."""
    paths = sorted(document["paths"], key=lambda p: (p.count("{"), -len(p)))
    for template in paths:
        if _path_pattern(template).match(path) and method.lower() in document["paths"][template]:
            return document["paths"][template][method.lower()]
    return None


def _resolve(document: dict, item: dict) -> dict:
    while "$ref" in item:
        node = document
        for part in item["$ref"].lstrip("#/").split("/"):
            node = node[part]
        item = node
    return item


def problems(document: dict, method: str, path: str, status: int, body) -> list[str]:
    """What is wrong with an answer by the document: an undocumented status or a body off its schema."""
    operation = operation_of(document, method, path)
    if operation is None and status in (404, 405):  # an address the document has not: the one error shape
        operation = {"responses": {str(status): {"$ref": f"#/components/responses/{status}"}}}
    if operation is None:
        return [f"{method} {path}: not in the document"]
    responses = operation.get("responses", {})
    response = responses.get(str(status)) or responses.get("default")
    if response is None:
        return [f"{method} {path}: status {status} not documented ({', '.join(responses)})"]
    response = _resolve(document, response)
    schema = (response.get("content", {}).get("application/json") or {}).get("schema")
    if schema is None:
        return []
    root = {"components": document["components"], "allOf": [schema]}  # the answer's refs point into the document
    validator = OAS30Validator(root)
    return [f"{method} {path} → {status}: {error.message} at {'/'.join(map(str, error.absolute_path))}"
            for error in validator.iter_errors(body)]


class ContractClient(FlaskClient):
    """A test client whose every ``/api/v1/`` JSON answer must match the document."""

    checked: list[tuple[str, str, int]] = []

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        request = response.request
        path = request.path
        if path.startswith("/api/v1/") and "_openapi" not in path and response.is_json:
            found = problems(load_document(self.application), request.method, path, response.status_code,
                             response.get_json())
            assert not found, "\n".join(found)
            ContractClient.checked.append((request.method, path, response.status_code))
        return response
