"""A client generated from the OpenAPI document alone (openapi-python-client) does the whole job: logs in,
takes an application in, moves it through approval and records a payment — talking to the app in
process (httpx's WSGI transport), with the typed models the generator made from our schemas.

Skipped only when the generator cannot be installed or run here."""
from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services.test_workflow import CASES
from tests.support import DEMO_PASSWORD_ENV, make_household
from tests.web.contract import load_document

httpx = pytest.importorskip("httpx")


def _generator() -> str | None:
    here = Path(sys.executable).parent / "openapi-python-client"
    return str(here) if here.exists() else shutil.which("openapi-python-client")


@pytest.fixture(scope="module")
def generated(app, tmp_path_factory):
    """The client package, generated into a temporary folder and imported as ``tempaid_client``."""
    tool = _generator()
    if tool is None:
        pytest.skip("openapi-python-client is not installed")
    folder = tmp_path_factory.mktemp("client")
    document = folder / "openapi.json"
    document.write_text(json.dumps(load_document(app), ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([tool, "generate", "--path", str(document), "--output-path", str(folder / "tempaid_client"),
                           "--meta", "none"], capture_output=True, text=True, timeout=300)
    if not (folder / "tempaid_client" / "client.py").exists():
        pytest.skip(f"the generator did not run here: {done.stderr[-500:] or done.stdout[-500:]}")
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"tempaid_client.{name}")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m.startswith("tempaid_client")]:
            del sys.modules[name]


def _login(app, load, username: str):
    login = load("api.security.post_api_v1_security_login")
    body = load("models.post_api_v1_security_login_body").PostApiV1SecurityLoginBody.from_dict(
        {"username": username, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db"})
    transport = {"transport": httpx.WSGITransport(app=app)}
    anonymous = load("client").Client(base_url="http://localhost", httpx_args=transport)
    token = login.sync(client=anonymous, body=body).access_token
    return load("client").AuthenticatedClient(base_url="http://localhost", token=token, httpx_args=transport)


def test_a_generated_client_takes_a_case_from_intake_to_payment(app, session, generated):
    load = generated
    household = make_household(session, "370811")
    session.commit()
    caseworker = _login(app, load, "township_caseworker_370811")
    approver = _login(app, load, "township_approver_370811")

    intake = load("api.case_api.post_api_v1_case_intake")
    body = load("models.intake_body").IntakeBody.from_dict({"household_id": household.id,
                                                            "figures": CASES[0]["figures"]})
    taken = intake.sync_detailed(client=caseworker, body=body)
    assert taken.status_code == 201, taken.content
    case = taken.parsed
    assert type(case).__name__ == "CaseTaken" and case.number and case.verdict.eligible is True

    move = load("api.case_api.post_api_v1_case_pk_transition_name")
    fields = load("models.transition_body").TransitionBody
    for name, who, given in (("accept", caseworker, {}), ("investigate", caseworker, {"note": "入户调查"}),
                             ("review", approver, {"note": "审核"}), ("approve", approver, {"amount": "2000"})):
        moved = move.sync_detailed(case.id, name, client=who, body=fields.from_dict(given))
        assert moved.status_code == 200, (name, moved.content)
    assert moved.parsed.state == "approved" and moved.parsed.approved_amount == "2000.00"

    record = load("api.payment_api.post_api_v1_payment_record")
    payment = load("models.record_payment_body").RecordPaymentBody.from_dict(
        {"case_id": case.id, "method": "cash", "amount": "2000", "paid_on": CASES[0]["figures"]["application_date"]})
    paid = record.sync_detailed(client=caseworker, body=payment)
    assert paid.status_code == 201, paid.content
    assert paid.parsed.payment.amount == "2000.00" and paid.parsed.complete is True
    assert paid.parsed.remaining == "0.00"


def test_a_refusal_reaches_the_generated_client_as_the_error_model(app, session, generated):
    load = generated
    caseworker = _login(app, load, "township_caseworker_370811")
    record = load("api.payment_api.post_api_v1_payment_record")
    body = load("models.record_payment_body").RecordPaymentBody.from_dict({"case_id": 2**31 - 1, "method": "cash"})
    refused = record.sync_detailed(client=caseworker, body=body)
    assert refused.status_code == 404
    assert type(refused.parsed).__name__ == "Error" and refused.parsed.error.code == "not_found"
