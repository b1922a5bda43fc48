"""The API's ``?q=`` argument is checked against FAB's schema as before — a page size that is not a number
is refused with the same 400 — but the schema itself is checked and compiled once, not on every request."""
from __future__ import annotations

import jsonschema

from tests.api.test_cases import bearer


def test_a_bad_query_is_refused_and_the_schema_is_checked_once(app, monkeypatch):
    checked = []
    real = jsonschema.Draft202012Validator.check_schema.__func__

    def counting(cls, schema, *args, **kwargs):
        checked.append(schema)
        return real(cls, schema, *args, **kwargs)

    monkeypatch.setattr(jsonschema.Draft202012Validator, "check_schema", classmethod(counting))
    monkeypatch.setattr(jsonschema.Draft7Validator, "check_schema", classmethod(counting))
    from app.web import rison_schema

    monkeypatch.setattr(rison_schema, "_validators", {})
    client, reviewer = app.test_client(), bearer(app, "county_reviewer_370811")
    bad = ["/api/v1/case/?q=(page_size:'many')", "/api/v1/case/?q=(page:-1)", "/api/v1/case/?q=(page_size:1000)"]
    answers = []
    for _ in range(3):
        answers.append([(r.status_code, r.get_json()) for r in (client.get(url, headers=reviewer) for url in bad)])
        assert client.get("/api/v1/case/?q=(page:0,page_size:5)", headers=reviewer).status_code == 200
    assert len(checked) == 1  # one schema (the list's), checked at its first use only
    import flask_appbuilder.api as fab_api

    monkeypatch.setattr(fab_api, "jsonschema", jsonschema)  # FAB's own way: the schema checked each time
    uncached = [(r.status_code, r.get_json()) for r in (client.get(url, headers=reviewer) for url in bad)]
    assert answers == [uncached] * 3 and {status for status, _body in uncached} == {400}
