"""The API's ``?q=`` argument checked against its JSON schema with a validator built once per schema.

Flask-AppBuilder's ``@rison(schema)`` calls ``jsonschema.validate`` on every request, which first checks
the *schema* itself against the JSON-Schema meta-schema and builds a new validator: a quarter of an API
list request's time at a million cases (profiled in bench/request_profile.py), the same work each time for
the same few constant schemas of FAB's list, item and info endpoints. This gives FAB's module a
``jsonschema`` whose ``validate`` keeps one checked validator per schema and raises the error
``jsonschema.validate`` would (its best match), so the 400 answers read the same.
"""
from __future__ import annotations

import threading

import jsonschema
from jsonschema.exceptions import best_match

_validators: dict[int, tuple[dict, object]] = {}
_guard = threading.Lock()


def _validator(schema: dict):
    cached = _validators.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    with _guard:
        _validators[id(schema)] = (schema, validator)  # the schema kept alive: its id is never reused
    return validator


class _CachedJsonschema:
    """Stands in for the ``jsonschema`` module inside flask_appbuilder.api; everything else delegates."""

    ValidationError = jsonschema.ValidationError

    @staticmethod
    def validate(instance, schema, *args, **kwargs):
        if args or kwargs:  # a validator class or format checker asked for: jsonschema's own way
            return jsonschema.validate(instance, schema, *args, **kwargs)
        error = best_match(_validator(schema).iter_errors(instance))
        if error is not None:
            raise error

    def __getattr__(self, name):
        return getattr(jsonschema, name)


def init_rison_schema() -> None:
    import flask_appbuilder.api as fab_api

    if not isinstance(fab_api.jsonschema, _CachedJsonschema):
        fab_api.jsonschema = _CachedJsonschema()
