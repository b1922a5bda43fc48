"""Issue #19: the bad bodies of the probe (malformed, not JSON, empty, null, arrays, strings, deep nesting,
oversized, fields of the wrong type and size), posted to every POST and PUT route under ``/api/v1`` that the
app's url_map has, as the roles that may call them, and malformed rison to every GET: no 500 anywhere."""
from __future__ import annotations

import re

import pytest

from tests.api.test_cases import bearer
from tests.charity_support import make_case
from tests.payment_support import approved_case

HUGE = 10**20
BODIES = {
    "malformed": ("{\"a\": ", "application/json"),
    "text/plain": ("{\"case_id\": 1}", "text/plain"),
    "empty": ("", "application/json"),
    "null": ("null", "application/json"),
    "array": ("[{\"case_id\": 1}]", "application/json"),
    "string": ("\"x\"", "application/json"),
    "number": ("1e999", "application/json"),
    "deep": ("[" * 20000 + "]" * 20000, "application/json"),
    "large": ("{\"note\": \"" + "x" * (1024 * 1024) + "\"}", "application/json"),
}
FIELDS = {
    "wrong types": {"case_id": "1", "household_id": [1], "township_id": {"a": 1}, "county_id": True,
                    "project_id": 1.5, "figures": [], "amount": {"yuan": 1}, "method": 7, "kind": [],
                    "reason": {"x": 1}, "note": ["x"], "need": 5, "paid_on": 20261120, "date": [],
                    "gap_money": [], "items": {"a": 1}, "description": 3, "bank_returned": "yes",
                    "head_name": ["x"], "id_number": 370811, "size": "many", "township": "x"},
    "huge numbers": {"case_id": HUGE, "household_id": HUGE, "township_id": HUGE, "county_id": HUGE,
                     "project_id": HUGE, "amount": "9" * 5000, "gap_money": "1e999999999", "size": HUGE,
                     "township": HUGE, "figures": {"cost": "9" * 5000, "application_date": "9999-12-31"}},
    "bad figures": {"household_id": 1, "case_id": 1, "figures": {"household": "x", "kind": [], "cost": 1e308,
                                                                 "application_date": "0000-00-00",
                                                                 "reported_at": "x" * 10000}},
    "figures not an object": {"household_id": 1, "figures": "x"},
}
CALLERS = ("admin", "city_bureau", "finance_officer_370811", "charity_staff_370811", "township_caseworker_370811")


def _api_routes(app, methods):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and set(rule.methods) & set(methods) \
                and "security" not in rule.rule:
            yield rule


def _url(rule, ids: dict) -> str:
    resource = rule.rule.split("/")[3]

    def fill(match):
        name = match.group(2)
        if name == "name":
            return "approve"
        return str(ids.get(resource, 1))

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule.rule)


@pytest.fixture()
def made(app, session, rules):
    case = approved_case(app, session, rules, "1800")
    other = make_case(app, session, rules)
    session.commit()
    return {"case": case.id, "household": case.household_id, "payment": 1, "referral": 1, "paymentbatch": 1,
            "reservefund": 1, "other": other.id}


def test_no_bad_body_on_any_api_route_is_a_500(app, made):
    headers = {who: bearer(app, who) for who in CALLERS}
    client = app.test_client()
    tried, failures = 0, []
    for rule in _api_routes(app, ("POST", "PUT")):
        method = "POST" if "POST" in rule.methods else "PUT"
        url = _url(rule, made)
        requests = [(data, mimetype) for data, mimetype in BODIES.values()]
        requests += [(__import__("json").dumps(body), "application/json") for body in FIELDS.values()]
        for who in CALLERS:
            for data, mimetype in requests:
                answer = client.open(url, method=method, data=data, content_type=mimetype, headers=headers[who])
                tried += 1
                if answer.status_code >= 500:
                    failures.append((method, url, who, data[:80], answer.status_code,
                                     answer.get_data(as_text=True)[:200]))
    print(f"fuzz: {tried} requests over POST/PUT routes, {len(failures)} server errors")
    assert tried > 500 and not failures, "\n".join(map(str, failures))


def test_no_malformed_rison_on_any_api_route_is_a_500(app, made):
    headers = bearer(app, "admin")
    client = app.test_client()
    failures, tried = [], 0
    for rule in _api_routes(app, ("GET",)):
        for q in ("((((", "(", "(a:", "!", "(" * 5000, "(filters:!((col:id,opr:eq,value:" + "9" * 30 + ")))"):
            answer = client.get(_url(rule, made), query_string={"q": q}, headers=headers)
            tried += 1
            if answer.status_code >= 500:
                failures.append((rule.rule, q[:40], answer.status_code))
    assert tried > 50 and not failures, failures[:10]
