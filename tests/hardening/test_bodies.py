"""Issue #19: malformed, empty, non-object, deeply nested and oversized request bodies, and malformed rison,
answer 400 / 413 naming the problem in the error shape — on intake, preview, record, refer and the rest
(they answered 404 "Not found" or 500 before)."""
from __future__ import annotations

import pytest

from tests.api.test_cases import bearer

NEEDS_BODY = ["/api/v1/case/intake", "/api/v1/case/preview", "/api/v1/payment/record", "/api/v1/referral/refer",
              "/api/v1/reservefund/allocate", "/api/v1/paymentbatch/create", "/api/v1/household/"]
BAD = {
    "malformed JSON": ("{\"household_id\": 1,", "application/json", "malformed_json"),
    "text/plain": ("{\"household_id\": 1}", "text/plain", "not_json"),
    "null": ("null", "application/json", "not_an_object"),
    "array": ("[1, 2]", "application/json", "not_an_object"),
    "string": ("\"intake\"", "application/json", "not_an_object"),
    "20,000 levels": ("[" * 20000 + "]" * 20000, "application/json", "too_deep"),
    "20,000 levels of objects": ('{"a":' * 20000 + "1" + "}" * 20000, "application/json", "too_deep"),
}


#: who may call each endpoint (a refused permission answers 403 before the body is read)
CALLER = {"/api/v1/case/intake": "caseworker", "/api/v1/case/preview": "caseworker",
          "/api/v1/payment/record": "finance", "/api/v1/referral/refer": "caseworker",
          "/api/v1/reservefund/allocate": "finance", "/api/v1/paymentbatch/create": "finance",
          "/api/v1/household/": "caseworker"}


@pytest.fixture(scope="module")
def who(app):
    return {"caseworker": bearer(app, "township_caseworker_370811"), "city": bearer(app, "city_bureau"),
            "finance": bearer(app, "finance_officer_370811")}


@pytest.mark.parametrize("bad", BAD, ids=BAD.keys())
@pytest.mark.parametrize("url", NEEDS_BODY)
def test_a_bad_body_is_a_400_naming_the_problem(app, who, url, bad):
    data, mimetype, code = BAD[bad]
    answer = app.test_client().post(url, data=data, content_type=mimetype, headers=who[CALLER[url]])
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"]["code"] == code
    assert answer.get_json()["error"]["message"]


@pytest.mark.parametrize("url", NEEDS_BODY[:-1])
def test_an_empty_body_is_a_400_where_one_is_needed(app, who, url):
    answer = app.test_client().post(url, data="", content_type="application/json", headers=who[CALLER[url]])
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"]["code"] in ("empty_body", "bad_request")


def test_the_message_is_in_the_callers_language(app, who):
    zh = app.test_client().post("/api/v1/case/intake", data="null", content_type="application/json",
                                headers=who["city"])
    en = app.test_client().post("/api/v1/case/intake?_l_=en", data="null", content_type="application/json",
                                headers=who["city"])
    assert zh.get_json()["error"]["message"] != en.get_json()["error"]["message"]
    assert "JSON" in en.get_json()["error"]["message"]


@pytest.mark.parametrize("size", [1024 * 1024 + 1, 20 * 1024 * 1024])
def test_a_body_above_one_megabyte_is_a_413(app, who, size):
    body = '{"need": "' + "x" * size + '"}'
    answer = app.test_client().post("/api/v1/referral/refer", data=body, content_type="application/json",
                                    headers=who["city"])
    assert answer.status_code == 413
    assert answer.get_json()["error"]["code"] == "too_large"


@pytest.mark.parametrize("q", ["((((", "(", "(a:", "!", "(" * 5000])
@pytest.mark.parametrize("url", ["/api/v1/household/", "/api/v1/case/", "/api/v1/referral/"])
def test_malformed_rison_is_a_400(app, who, url, q):
    answer = app.test_client().get(url, query_string={"q": q}, headers=who["city"])
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]


def test_a_claim_needs_no_body(app, who):
    """Actions without fields still take an empty body (the hook refuses only what is sent and wrong)."""
    answer = app.test_client().post("/api/v1/referral/999999/claim", headers=who["caseworker"])
    assert answer.status_code in (403, 404)


def test_the_engine_door_keeps_its_own_error(app, who):
    answer = app.test_client().post("/api/v1/eligibility/evaluate", data="{", content_type="application/json",
                                    headers=who["caseworker"])
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] is None
