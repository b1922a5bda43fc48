"""Every answer a hardening test receives from /api/v1/ is checked against the OpenAPI document (tests/web/contract.py):
a refused body, a bad id, a server error keep their documented status and the one error shape."""
import pytest

from tests.web.contract import ContractClient


@pytest.fixture(autouse=True)
def _contract_client(request, monkeypatch):
    """A test of the suite's app gets the checking client (a test without the app starts none for it)."""
    if "app" in request.fixturenames:
        monkeypatch.setattr(request.getfixturevalue("app"), "test_client_class", ContractClient)
