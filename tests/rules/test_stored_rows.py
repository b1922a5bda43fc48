"""A case's stored decision row (``app.rules.stored_rows``) decides as its input does.

Whatever the input — plain, out of the ordinary, recognised after the day decided on — the row read
back is the row the input gives, and the impact over stored cases (row and JSON text, as the database
hands them over) is the impact over their inputs, field for field, examples included. A row of another
version, or none, is never read: the input decides, the usual way.
"""
from __future__ import annotations

import doctest
import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import decisions, stored_rows
from app.rules.decisions import read_row
from app.rules.impact import impact
from app.rules.stored_rows import VERSION, row_of, stored_row

from .conftest import FIXTURES_2026
from .test_decisions import (CASELOAD_SETTINGS, DAYS, application, caseloads, plain_expenditure, rule_change,
                             rules)


def fen(row):
    """The row with its running sums as ints (a stored row keeps their digits as text)."""
    if row is None:
        return None
    return row._replace(incomes=None if row.incomes is None else [int(x) for x in row.incomes],
                        expenses=None if row.expenses is None else [int(x) for x in row.expenses])


def as_stored(apps):
    """The applications as the impact reads stored cases: (number, (decision row, JSON text))."""
    return [(key, (stored_row(data), json.dumps(data, ensure_ascii=False))) for key, data in apps]


class RowsOnly:
    """Stored cases read as the database reads them: the row alone where there is one, the inputs of
    what it cannot decide asked for by key (``inputs_of``)."""

    def __init__(self, apps):
        self.inputs = dict(apps)
        self.rows = [(key, (row, None) if row is not None else (None, json.dumps(data)))
                     for key, data in apps for row in [stored_row(data)]]

    def __iter__(self):
        return iter(self.rows)

    def inputs_of(self, keys):
        return {key: self.inputs[key] for key in keys}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=application(), day=st.sampled_from(DAYS))
def test_a_stored_row_reads_back_as_the_row_of_its_input(data, day):
    text = stored_row(data)
    if text is None:
        assert read_row(data, date.max) is None
        return
    assert text.startswith(VERSION + "|")
    assert fen(row_of(text, day)) == read_row(data, day)


@CASELOAD_SETTINGS
@caseloads
def test_the_impact_over_stored_cases_is_the_impact_over_their_inputs(apps, change, day, with_2026):
    current, proposed = rule_change(change, with_2026)
    keyed = list(enumerate(apps))
    from_inputs = impact(current, proposed, keyed, day, examples=10)
    stored = as_stored(keyed)
    assert impact(current, proposed, stored, day, examples=10) == from_inputs
    assert impact(current, proposed, stored, day, examples=10, columns=False) == from_inputs
    without_rows = [(key, (None, text)) for key, (_row, text) in stored]  # cases stored before the rows were
    assert impact(current, proposed, without_rows, day, examples=10) == from_inputs
    assert impact(current, proposed, RowsOnly(keyed), day, examples=10) == from_inputs


def test_a_recognition_after_the_day_or_a_row_of_another_version_is_not_read():
    data = plain_expenditure(dibao=True, recognised_on="2026-03-01")
    text = stored_row(data)
    assert row_of(text, date(2026, 3, 1)) is not None
    assert row_of(text, date(2026, 2, 28)) is None and read_row(data, date(2026, 2, 28)) is None
    assert row_of("2" + text[1:], date(2026, 5, 1)) is None
    assert row_of(text + "|", date(2026, 5, 1)) is None
    rules_ = rules(FIXTURES_2026, "as they are")
    other_version = [(1, ("2" + text[1:], json.dumps(data)))]
    assert impact(rules_, rules_, other_version, date(2026, 5, 1)) == impact(rules_, rules_, [(1, data)],
                                                                              date(2026, 5, 1))


def test_only_a_plain_application_has_a_row():
    assert stored_row(plain_expenditure()) is not None
    assert stored_row(dict(plain_expenditure(), severity="major")) is not None     # 一事一议 too
    assert stored_row(dict(plain_expenditure(), severity="light")) is None
    assert stored_row(dict(plain_expenditure(), category="illness:a|b")) is None   # the separator itself
    assert stored_row({"county": "370811"}) is None
    assert stored_row(None) is None


def test_the_running_sums_are_exact_fen():
    assert decisions.fen_sums(["9999999999.99"] * 3 + ["0.01"]) == [999999999999, 1999999999998, 2999999999997,
                                                                     2999999999998]


def test_the_modules_examples_hold():
    for module in (stored_rows, decisions):
        failed, tried = doctest.testmod(module)
        assert tried > 0 and failed == 0, module.__name__


def _checks_digest() -> str:
    """A digest of the code and vocabularies that decide what a stored row holds: what ``read_row`` accepts
    and how a row is written and read."""
    import hashlib
    import inspect

    from app.rules import fastinput, request

    parts = [inspect.getsource(function) for function in (
        decisions.read_row, decisions.plain_amounts, decisions.fen_sums, fastinput.plain_household,
        fastinput.plain_basics, fastinput._amount, fastinput._day, stored_row, row_of)]
    parts += [repr(sorted(vocabulary)) for vocabulary in (
        decisions._NEEDED, request._TOP, request._HOUSEHOLD, request.SEVERITIES, request.RESIDENCIES, request.AREAS)]
    parts += [decisions._PLAIN_JOINED.__self__.pattern, repr(decisions._MONEY_FIELDS), repr(decisions._FLAGS),
              repr(decisions.Row._fields), repr((request.FIRST_YEAR, request.LAST_YEAR))]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


#: VERSION -> the digest of the checks its rows were written by
WRITTEN_BY = {"1": "ae39e9bf5e1089d9"}


def test_the_rows_version_names_the_checks_that_wrote_them():
    """Rows already stored stand for what the checks accepted when they were written. A change that makes
    ``read_row`` accept less, or that changes the row's fields, must raise ``stored_rows.VERSION`` and add a
    migration that writes the rows again (as 0021 does). One that accepts the same (a comment, a name) or
    more (a later calendar year) updates the digest here only: rows written before stay right, and a case
    it newly accepts goes the usual way until its row is written."""
    assert WRITTEN_BY.get(VERSION) == _checks_digest(), (
        f"the checks behind stored rows changed (digest {_checks_digest()}): see this test's docstring")
