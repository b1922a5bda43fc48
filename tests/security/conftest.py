"""Every answer a security test receives from /api/v1/ is checked against the OpenAPI document (tests/web/contract.py):
the access matrix, masking and scope answers keep their documented status and shape."""
import pytest

from tests.web.contract import ContractClient


@pytest.fixture(autouse=True)
def _contract_client(request, monkeypatch):
    """A test of the suite's app gets the checking client (a test without the app starts none for it)."""
    if "app" in request.fixturenames:
        monkeypatch.setattr(request.getfixturevalue("app"), "test_client_class", ContractClient)
