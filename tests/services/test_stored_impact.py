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
from app.services import text_rows as text_rows_module
from app.services.rule_edits import Applications
from tests.rules.test_decisions import plain_expenditure
from tests.support import make_household
from tests.services.test_workflow import user

TODAY = dt.date(2026, 11, 20)
AS_OF = dt.date(2027, 1, 1)


def _inputs():
    """Plain applications, one a row cannot decide once the proposal wants 13 months of income, one
    recognised (dibao) without its date (the engine's input error), one out of the plain (a month of three
    decimals: no row)."""
    made = [plain_expenditure(monthly_income=[f"{600 + 40 * i}"] * 12, financial_assets=f"{1000 * i}")
            for i in range(8)]
    made += [plain_expenditure(monthly_income=["900"] * 13), plain_expenditure(dibao=True),
             plain_expenditure(monthly_income=["800.125"] * 12)]
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


def _stored_cases(app, session, inputs: list[dict]) -> list[Case]:
    household = make_household(session, "370811")
    creator = user(app, "township_caseworker_370811")
    cases = [Case(number=f"T{i:05d}", household_id=household.id, county_id=household.county_id,
                  township_id=household.township_id, kind="expenditure", category=data["category"][:30],
                  flow="expenditure", state="closed", application_date=TODAY - dt.timedelta(days=i % 200),
                  inputs=data, verdict={}, rules_digest="x", eligible=True, created_by_id=creator.id)
             for i, data in enumerate(inputs)]
    session.add_all(cases)
    session.flush()
    return cases


#: categories a stored row may hold that a text format would escape (none of them is in the rules)
ODD_CATEGORIES = ["illness:a\\b", "illness:two\nlines", "illness:tab\there", "illness:\\N", "illness:尿毒症\\\\"]


@pytest.mark.parametrize("chunk, window", [(7, 1), (7, 20), (5000, 20)])
def test_the_rows_read_in_blocks_are_the_rows_stored_and_decide_as_the_inputs(app, session, monkeypatch, chunk,
                                                                              window):
    """Read as blocks of ``number|row`` texts (gathered by the server on PostgreSQL, ``window`` blocks of
    keys a query), every row is the very text stored, a backslash, line break or tab in it included, and the
    impact over them by columns is the impact over the inputs: ordinary applications, odd categories (the
    usual way: unknown to the rules) and one without a row; a range of case ids reads just its own."""
    monkeypatch.setattr(text_rows_module, "WINDOW_BLOCKS", window)
    current, _ = check_directory(app.config["RULES_DIR"])
    county = "counties/370811-rencheng.yaml"
    text = (Path(app.config["RULES_DIR"]) / county).read_text(encoding="utf-8")
    assert "      2026-07-01: 915 " in text
    proposed, faults = check_directory(app.config["RULES_DIR"], overrides={county: text.replace(
        "      2026-07-01: 915 ", "      2026-07-01: 961.5 ")})                     # the urban standard up 5 %
    assert not faults
    inputs = [plain_expenditure(monthly_income=[f"{300 + 17 * i}.5"] * 12, financial_assets=f"{700 * (i % 20)}",
                                size=1 + i % 4) | {"cost": f"{4000 + 911 * i}.25"} for i in range(90)]
    inputs += [dict(plain_expenditure(), category=category) for category in ODD_CATEGORIES]
    inputs.append(plain_expenditure(monthly_income=["800.125"] * 12))            # no row: its JSON
    cases = _stored_cases(app, session, inputs)
    stored = Applications(session, ["370811"], TODAY - dt.timedelta(days=300))
    lines = [line for block in stored.row_blocks(chunk) for line in block]
    assert sorted(lines) == sorted(f"{case.number}|{case.decision_row}" for case in cases if case.decision_row)
    assert len(lines) == len(inputs) - 1 and all(len(block) <= chunk for block in stored.row_blocks(chunk))
    blocks = list(stored.row_blocks(chunk))
    assert all(len(block) == chunk for block in blocks[:-1]), "the blocks are full but the last"
    middle = cases[10:50]
    part = Applications(session, ["370811"], TODAY - dt.timedelta(days=300), (middle[0].id, middle[-1].id))
    assert sorted(line for block in part.row_blocks(chunk) for line in block) == sorted(
        f"{case.number}|{case.decision_row}" for case in middle if case.decision_row)
    monkeypatch.setattr(impact_module, "COLUMNS_FROM", 1)
    monkeypatch.setattr(impact_module, "PROGRESS_EVERY", chunk)
    monkeypatch.setattr(impact_module, "PENDING", 1)        # inputs asked for while the blocks are read
    expected = impact(current, proposed, [(case.number, case.inputs) for case in cases], AS_OF, examples=6,
                      columns=False)
    assert expected.changed >= 30 and expected.errors_before == len(ODD_CATEGORIES)
    assert impact(current, proposed, stored, AS_OF, examples=6) == expected
