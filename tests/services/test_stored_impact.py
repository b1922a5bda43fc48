"""The impact over stored cases reads their decision rows and, for what a row cannot decide, their inputs a
batch at a time: the figures and examples are those of the inputs themselves, whatever the batch."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.models import Case
from app.rules import impact as impact_module
from app.rules.impact import impact
from app.rules.loader import check_directory
from app.services.rule_edits import Applications
from tests.rules.test_decisions import plain_expenditure
from tests.support import make_household
from tests.services.test_workflow import user

TODAY = dt.date(2026, 11, 20)
AS_OF = dt.date(2027, 1, 1)


def _inputs():
    """Plain applications, one a row cannot decide once the proposal wants 13 months of income, one
    recognised (dibao) without its date (the engine's input error), one out of the plain (major)."""
    made = [plain_expenditure(monthly_income=[f"{600 + 40 * i}"] * 12, financial_assets=f"{1000 * i}")
            for i in range(8)]
    made += [plain_expenditure(monthly_income=["900"] * 13), plain_expenditure(dibao=True),
             dict(plain_expenditure(), severity="major")]
    return made


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_the_impact_over_stored_cases_is_the_impact_over_their_inputs(app, session, monkeypatch, batch):
    current, faults = check_directory(app.config["RULES_DIR"])
    text = (Path(app.config["RULES_DIR"]) / "jining.yaml").read_text(encoding="utf-8")
    proposed, more = check_directory(app.config["RULES_DIR"], overrides={"jining.yaml": text.replace(
        "income_months: 12", "income_months: 13")})
    assert not faults and not more and "income_months: 13" not in text
    household = make_household(session, "370811")
    creator = user(app, "township_caseworker_370811")
    cases = []
    for i, data in enumerate(_inputs()):
        cases.append(Case(number=f"T{i:05d}", household_id=household.id, county_id=household.county_id,
                          township_id=household.township_id, kind="expenditure", category=data["category"],
                          flow="expenditure", state="closed", application_date=TODAY - dt.timedelta(days=i),
                          inputs=data, verdict={}, rules_digest="x", eligible=True, created_by_id=creator.id))
    session.add_all(cases)
    session.flush()
    assert sum(case.decision_row is None for case in cases) == 1
    monkeypatch.setattr(impact_module, "PENDING", batch)
    stored = Applications(session, ["370811"], TODAY - dt.timedelta(days=30))
    expected = impact(current, proposed, [(case.number, case.inputs) for case in cases], AS_OF, examples=5)
    assert expected.changed >= 9 and expected.errors_after >= 9 and expected.errors_before == 1
    for columns in (True, False):
        assert impact(current, proposed, stored, AS_OF, examples=5, columns=columns) == expected
    assert [example.key for example in expected.examples] == [f"T{i:05d}" for i in range(5)]
