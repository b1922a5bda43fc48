"""一门受理 and repeat protection: one open case per household and category; a warning for aid
given for the same cause within the county's period."""
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.models import Case
from app.rules import InputError
from app.rules.decisions import read_row
from app.rules.stored_rows import row_of, stored_row
from app.services.intake import IntakeRefused, intake, preview
from app.services.payments import record_payment
from app.services.workflow import take
from tests.rules.test_stored_rows import fen
from tests.services.test_workflow import CASES, user
from tests.support import make_household

FIGURES = CASES[0]["figures"]


def test_preview_saves_nothing(app, session, rules):
    household = make_household(session, "370811")
    verdict = preview(household, FIGURES, rules)
    assert verdict["eligible"] is True and verdict["county"] == "370811"
    assert session.query(Case).filter_by(household_id=household.id).count() == 0


def test_bad_figures_are_named(app, session, rules):
    household = make_household(session, "370811")
    with pytest.raises(InputError) as error:
        intake(session, household, {**FIGURES, "category": "illness:no_such"}, user(app, "township_caseworker_370811"), rules)
    assert error.value.field == "category"


def test_case_records_verdict_and_rules_digest(app, session, rules):
    aid = intake(session, make_household(session, "370811"), FIGURES, user(app, "township_caseworker_370811"), rules)
    assert aid.verdict["checks"][0]["name"] == "residency"
    assert aid.rules_digest == rules.digest and aid.state == "submitted" and aid.flow == "expenditure"
    assert aid.county.code == "370811" and aid.township_id == aid.household.township_id


def test_a_case_keeps_what_a_decision_reads_of_its_inputs(app, session, rules):
    aid = intake(session, make_household(session, "370811"), FIGURES, user(app, "township_caseworker_370811"), rules)
    session.flush()
    stored = session.execute(select(Case.decision_row).where(Case.id == aid.id)).scalar_one()
    assert stored is not None and stored == stored_row(aid.inputs)
    day = dt.date.fromisoformat(aid.inputs["application_date"])
    assert fen(row_of(stored, day)) == read_row(aid.inputs, day)
    aid.inputs = {**aid.inputs, "severity": "light"}       # new figures, out of the plain: the usual way
    session.flush()
    assert session.execute(select(Case.decision_row).where(Case.id == aid.id)).scalar_one() is None


def test_one_open_case_per_household_and_category(app, session, rules):
    household = make_household(session, "370811")
    caseworker = user(app, "township_caseworker_370811")
    first = intake(session, household, FIGURES, caseworker, rules)
    with pytest.raises(IntakeRefused) as refused:
        intake(session, household, FIGURES, caseworker, rules)
    assert refused.value.code == "open_case_exists" and first.number in refused.value.message
    other = intake(session, household, {**FIGURES, "category": "illness:leukemia"}, caseworker, rules)
    assert other.id != first.id


def test_database_also_refuses_a_twin_open_case(app, session, rules):
    household = make_household(session, "370811")
    first = intake(session, household, FIGURES, user(app, "township_caseworker_370811"), rules)
    twin = Case(**{c.key: getattr(first, c.key) for c in Case.__table__.columns if c.key not in ("id", "number")},
                number="TWIN")
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(twin)
            session.flush()


def test_help_for_the_same_cause_recently_warns(app, session, rules):
    household = make_household(session, "370811")
    caseworker, approver = user(app, "township_caseworker_370811"), user(app, "township_approver_370811")
    first = intake(session, household, FIGURES, caseworker, rules)
    for name, by, fields in (("accept", caseworker, {}), ("investigate", caseworker, {"note": "n"}),
                             ("review", approver, {"note": "n"}), ("approve", approver, {"amount": "1000"})):
        take(session, first, name, by, fields, rules)
    record_payment(session, first, caseworker, "cash", "1000", rules, paid_on="2026-11-10")  # → paid
    take(session, first, "close", caseworker, {}, rules)
    again = intake(session, household, {**FIGURES, "application_date": dt.date.today().isoformat()}, caseworker, rules)
    assert f"repeat_within_days:180:{first.number}" in again.warnings


def test_intake_outside_jurisdiction_is_refused(app, session, rules):
    household = make_household(session, "370881")
    with pytest.raises(IntakeRefused) as refused:
        intake(session, household, FIGURES, user(app, "township_caseworker_370811"), rules)
    assert refused.value.code == "scope"
