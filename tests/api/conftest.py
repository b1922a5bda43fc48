"""Every answer an API test receives is checked against the OpenAPI document (tests/web/contract.py)."""
import pytest

from tests.web.contract import ContractClient


@pytest.fixture(autouse=True)
def _contract_client(app, monkeypatch):
    monkeypatch.setattr(app, "test_client_class", ContractClient)
