"""Fuzzing the whole OpenAPI document with schemathesis: for every operation, bounded examples sent with
the token of three roles (a township caseworker who takes cases in, a county finance officer who pays,
charity staff who claim); no answer is a server error, and every answer keeps its documented status,
content type and schema. The counts are printed at the end (``pytest -s``) for the notes.

``TEMPAID_FUZZ_EXAMPLES`` sets the examples per operation (default 8: a few minutes in .ci/run)."""
from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests.api.test_cases import bearer
from tests.rule_edit_support import served_copy
from tests.web.contract import load_document

ROLES = ("township_caseworker_370811", "finance_officer_370811", "charity_staff_370811")
EXAMPLES = int(os.environ.get("TEMPAID_FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: (operation, role) → answers seen, and the answers by status
SEEN: Counter = Counter()
STATUSES: Counter = Counter()


@pytest.fixture(scope="module")
def tokens(app):
    return {role: bearer(app, role) for role in ROLES}


def _skipped(label: str) -> bool:
    return label.endswith("/security/logout") or "refresh" in label  # would end the token the others use


def _rule_editing(label: str) -> bool:
    return " /api/v1/rules/" in label


def _fuzz(app, tokens, operation, mode) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for role, headers in tokens.items():
            response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
            SEEN[(operation.label, role)] += 1
            STATUSES[response.status_code] += 1
    try:
        run()
    except Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE:
            raise
        # an operation that takes no input (a captcha, the county list) has nothing to make invalid


def test_no_server_error_and_every_answer_as_documented(app, tokens):
    """Valid examples (by the document) and invalid ones (a field of the wrong type, one missing ...): a 5xx or
    an answer off its schema fails here, with the request to reproduce it; then every documented operation
    was sent examples by each role (one test, so it holds in any order)."""
    document = schemathesis.openapi.from_dict(load_document(app))
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for result in document.get_all_operations():
            operation = result.ok()
            if not _skipped(operation.label):
                _fuzz(app, tokens, operation, mode)
    spec = load_document(app)
    operations = {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
                  if method in ("get", "post", "put", "patch", "delete")}
    reached = {label for label, _role in SEEN}
    skipped = {o for o in operations if _skipped(o)}
    assert operations - skipped <= reached, sorted(operations - skipped - reached)
    print(f"\nschemathesis: {len(reached)} operations, {sum(SEEN.values())} requests "
          f"({len(ROLES)} roles, up to {EXAMPLES} examples each), answers by status {dict(sorted(STATUSES.items()))}")


def test_the_rule_editor_fuzzed_by_a_rule_administrator(app, tmp_path, monkeypatch):
    """The three roles above may not edit rules, so the rule editor's operations meet them only as a 403:
    here a county's rule administrator fuzzes them, against a copy of the rules (a save that got through
    would write only the copy). No 5xx, every answer as documented, every rule operation reached."""
    served = served_copy(app, tmp_path, monkeypatch)
    before = {path: path.read_bytes() for path in served.rglob("*.yaml")}
    admin = {"rule_admin_370811": bearer(app, "rule_admin_370811")}
    document = schemathesis.openapi.from_dict(load_document(app))
    reached: Counter = Counter()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for result in document.get_all_operations():
            operation = result.ok()
            if _rule_editing(operation.label):
                seen = SEEN[(operation.label, "rule_admin_370811")]
                _fuzz(app, admin, operation, mode)
                reached[operation.label] += SEEN[(operation.label, "rule_admin_370811")] - seen
    spec = load_document(app)
    rule_operations = {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item
                       if path.startswith("/api/v1/rules/")}
    assert len(rule_operations) >= 6 and set(reached) == rule_operations, sorted(rule_operations - set(reached))
    changed = [path.name for path, text in before.items() if path.read_bytes() != text]
    print(f"\nschemathesis, rule editor: {len(reached)} operations, {sum(reached.values())} requests as its "
          f"administrator; files of the copy changed by a fuzzed save: {changed or 'none'}")
