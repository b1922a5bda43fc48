"""The OpenAPI document (``/api/v1/_openapi``) is a valid OpenAPI 3 document describing our contract:
every operation we wrote has its schemas, the error responses are the one error shape, the lists say
how far ``page_size`` goes, and the JWT scheme is named."""
from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import validate

from tests.web.contract import DOCUMENT_ERRORS, load_document

#: every operation we wrote: (method, path) → a body schema (None: takes none) and an answer schema
OURS = {
    ("post", "/api/v1/case/preview"): ("IntakeBody", "Verdict"),
    ("post", "/api/v1/case/intake"): ("IntakeBody", "CaseTaken"),
    ("post", "/api/v1/case/intake_passing"): ("PassingBody", "CaseTaken"),
    ("post", "/api/v1/case/{pk}/transition/{name}"): ("TransitionBody", "CaseMoved"),
    ("post", "/api/v1/case/{pk}/reevaluate"): (None, "Reevaluated"),
    ("get", "/api/v1/case/home_county"): (None, "HelpedElsewherePage"),
    ("post", "/api/v1/case/{pk}/objection"): ("ObjectionBody", "ObjectionState"),
    ("post", "/api/v1/case/{pk}/objection/{objection_id}/resolve"): ("ResolveBody", "ObjectionState"),
    ("get", "/api/v1/case/{pk}/posting"): (None, "Posting"),
    ("get", "/api/v1/case/{pk}/trail"): (None, "Trail"),
    ("post", "/api/v1/payment/record"): ("RecordPaymentBody", "PaymentRecorded"),
    ("post", "/api/v1/payment/settle/{case_id}"): (None, "CaseSettled"),
    ("get", "/api/v1/payment/case/{case_id}"): (None, "CasePayments"),
    ("post", "/api/v1/payment/{pk}/reverse"): ("ReverseBody", "PaymentReversed"),
    ("get", "/api/v1/payment/ledger"): (None, "Ledger"),
    ("get", "/api/v1/payment/disclosure"): (None, "Disclosure"),
    ("post", "/api/v1/reservefund/allocate"): ("AllocateBody", "Allocated"),
    ("post", "/api/v1/paymentbatch/create"): ("BatchBody", "BatchMade"),
    ("get", "/api/v1/paymentbatch/waiting"): (None, "Waiting"),
    ("get", "/api/v1/paymentbatch/{pk}/rows"): (None, "BatchRows"),
    ("post", "/api/v1/referral/refer"): ("ReferBody", "ReferralState"),
    ("post", "/api/v1/referral/{pk}/claim"): (None, "ReferralState"),
    ("post", "/api/v1/referral/{pk}/release"): ("NoteBody", "ReferralState"),
    ("post", "/api/v1/referral/{pk}/aid"): ("AidBody", "ReferralState"),
    ("post", "/api/v1/referral/{pk}/close"): ("NoteBody", "ReferralState"),
    ("post", "/api/v1/referral/{pk}/withdraw"): ("NoteBody", "ReferralState"),
    ("get", "/api/v1/referral/{pk}/matches"): (None, "Matches"),
    ("get", "/api/v1/referral/case/{case_id}/aid"): (None, "CaseAid"),
    ("post", "/api/v1/eligibility/evaluate"): ("EngineInput", "Verdict"),
    ("get", "/api/v1/rules/"): (None, "RuleFiles"),
    ("get", "/api/v1/rules/{code}"): (None, "RuleFileAnswer"),
    ("post", "/api/v1/rules/{code}/preview"): ("RuleChangeBody", "RulePreview"),
    ("post", "/api/v1/rules/{code}/save"): ("RuleSaveBody", "RuleSaved"),
    ("post", "/api/v1/rules/{code}/impact"): ("RuleChangeBody", "ImpactRun"),
    ("get", "/api/v1/rules/{code}/impact/{run_id}"): (None, "ImpactRun"),
}


@pytest.fixture(scope="module")
def document(app):
    return load_document(app)


def test_the_document_is_valid_openapi(document):
    validate(document)


def _ref_name(ref: dict | None) -> str | None:
    return None if ref is None else ref["$ref"].rsplit("/", 1)[-1]


@pytest.mark.parametrize("operation", sorted(OURS), ids=lambda o: f"{o[0]} {o[1]}")
def test_each_operation_we_wrote_names_its_body_and_answer(document, operation):
    method, path = operation
    body, answer = OURS[operation]
    spec = document["paths"][path][method]
    given = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    assert _ref_name(given) == body
    success = [code for code in spec["responses"] if code.startswith("2")]
    assert len(success) == 1
    assert _ref_name(spec["responses"][success[0]]["content"]["application/json"]["schema"]) == answer
    assert {"401", "403", "500"} <= set(spec["responses"])
    if body is not None:
        assert "422" in spec["responses"]
    assert spec["security"], "every operation needs a login"


def test_the_error_responses_are_the_one_error_shape(document):
    responses = document["components"]["responses"]
    for status in DOCUMENT_ERRORS:
        content = responses[status]["content"]["application/json"]
        assert content["schema"] == {"$ref": "#/components/schemas/Error"}
        assert set(content["example"]["error"]) == {"field", "message", "code"}
    detail = document["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"field", "message", "code"}


def test_the_security_scheme_is_a_bearer_jwt(document):
    scheme = document["components"]["securitySchemes"]["jwt"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"


def test_every_list_says_page_size_is_at_most_100(document):
    lists = [path for path, item in document["paths"].items() if path.endswith("/") and "get" in item]
    assert len(lists) >= 8
    page_size = document["components"]["schemas"]["get_list_schema"]["properties"]["page_size"]
    assert page_size["maximum"] == 100 and page_size["minimum"] == 1


def test_money_is_a_decimal_string_in_the_document(document):
    amount = document["components"]["schemas"]["RecordPaymentBody"]["properties"]["amount"]
    assert amount["type"] == "string" and amount["pattern"]
    assert document["components"]["schemas"]["RecordPaymentBody"]["additionalProperties"] is False


def test_a_list_beyond_100_rows_a_page_is_refused_on_its_argument(app, document):
    from tests.api.test_cases import bearer

    answer = app.test_client().get("/api/v1/case/?q=(page_size:101)", headers=bearer(app, "supervisor_370811"))
    assert answer.status_code == 400
    assert answer.get_json()["error"]["code"]


@pytest.mark.parametrize("username", ["township_caseworker_370811", "charity_staff_370811", "rule_admin_370811"])
def test_a_client_of_any_api_role_reads_the_document_with_its_token(app, username):
    """The platform, a county's app or a mini-program generates its client from the document: any role that
    has API operations reads it with its own token (not only Admin)."""
    from tests.api.test_cases import bearer

    answer = app.test_client().get("/api/v1/_openapi", headers=bearer(app, username))
    assert answer.status_code == 200
    assert "/api/v1/case/intake" in answer.get_json()["paths"]


def test_the_swagger_page_opens_for_an_api_role(login_as):
    page = login_as("township_caseworker_370811").get("/swagger/v1")
    assert page.status_code == 200
    assert "/api/v1/_openapi" in page.get_data(as_text=True)


def test_every_role_with_an_api_operation_reads_the_document_and_no_other(app):
    """Whoever has an operation of the API (the grid worker too, for their own leads' outcomes) reads the
    document their client is generated from; a role with none would get no 'OpenApi' grant."""
    import yaml

    from tests.api.test_cases import bearer

    roles = yaml.safe_load((Path(app.root_path).parent / "config" / "roles.yaml").read_text(encoding="utf-8"))
    for name, role in roles["roles"].items():
        permissions = role.get("permissions") or {}
        operations = [view for view in permissions if view.endswith("Api") and view != "OpenApi"]
        assert bool(operations) == ("OpenApi" in permissions), name
    answer = app.test_client().get("/api/v1/_openapi", headers=bearer(app, "grid_worker_370811"))
    assert answer.status_code == 200 and "/api/v1/lead/mine" in answer.get_json()["paths"]


#: answers whose rows were once ``{type: object}``: each row now has its own schema, for typed client models
TYPED_ROWS = {("Ledger", "rows"): "LedgerRow", ("Disclosure", "rows"): "DisclosureRow",
              ("Waiting", "result"): "WaitingTownship", ("CaseAid", "government"): "GovernmentAid",
              ("CaseAid", "charity"): "CharityAid", ("CaseAid", "referrals"): "ReferralOfHousehold"}


@pytest.mark.parametrize("answer, field", sorted(TYPED_ROWS), ids=lambda x: x if isinstance(x, str) else "")
def test_answer_rows_have_their_own_schema(document, answer, field):
    schemas = document["components"]["schemas"]
    items = schemas[answer]["properties"][field]["items"]
    assert _ref_name(items) == TYPED_ROWS[(answer, field)]
    row = schemas[TYPED_ROWS[(answer, field)]]
    assert row["required"] and all(p.get("type") or "$ref" in p for p in row["properties"].values())


def test_money_and_days_of_the_rows_are_decimal_strings_and_dates(document):
    schemas = document["components"]["schemas"]
    assert schemas["LedgerRow"]["properties"]["amount"]["pattern"].startswith("^-?")  # a reversal is negative
    assert schemas["LedgerRow"]["properties"]["paid_on"]["format"] == "date"
    assert schemas["DisclosureRow"]["properties"]["first_paid_on"]["format"] == "date"
    assert _ref_name(schemas["CaseAid"]["properties"]["totals"]) == "AidTotals"
    assert schemas["AidTotals"]["properties"]["all"]["type"] == "string"
    assert schemas["CharityAid"]["properties"]["at"]["format"] == "date-time"


def test_the_rule_code_is_a_string_parameter(document):
    [code] = [p for p in document["paths"]["/api/v1/rules/{code}"]["get"]["parameters"] if p["name"] == "code"]
    assert code["schema"]["type"] == "string"
