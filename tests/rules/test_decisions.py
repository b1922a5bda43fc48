"""The decision path of the impact (``app.rules.decisions``) decides exactly as the engine does.

Wherever it takes an application, it says what parsing it and evaluating it without explanation says
(eligible, approval level, suggested amount — the same Decimal — and 小额快救), under the rules as they
are and under rule changes (thresholds, tier multipliers, caps, months), on days either side of the
2026 opinion's dates; and it takes only what the fast input parser takes. Over a whole caseload the
impact summary with it is the one without it, field for field, examples included.
"""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules.decisions import Decider, read_row
from app.rules.faults import InputError
from app.rules.fastinput import quick_parse
from app.rules.impact import _decide, impact, redated
from app.rules.inputs import parse_input
from app.rules.loader import check_directory

from .conftest import FIXTURES, FIXTURES_2026

CITY = "jining.yaml"
#: rule changes an administrator might make in the editor: (what is written, what replaces it)
CHANGES = {
    "as they are": None,
    "township limit lowered": ("  township_limit: 3000\n", "  township_limit: 2500\n"),
    "illness tier raised": ("{from: 5000, multiplier: 6}", "{from: 5000, multiplier: 7.5}"),
    "education tier band moved": ("{from: 4000, multiplier: 4.5}", "{from: 3500.5, multiplier: 5.25}"),
    "urban standard up 5 %": ("      2019-07-01: 650\n", "      2019-07-01: 682.5\n"),
    "rural standard in odd cents": ("      2019-07-01: 450\n", "      2019-07-01: 472.35\n"),
    "light cap lowered": ("  emergency_light_cap: 1000\n", "  emergency_light_cap: 800.5\n"),
    "net income over 3 months": ("    net_income_months: 6\n", "    net_income_months: 3\n"),
    "two houses allowed": ("      max_houses: 1\n", "      max_houses: 2\n"),
}
DAYS = (date(2025, 6, 30), date(2026, 1, 28), date(2026, 1, 29), date(2026, 3, 31), date(2026, 4, 1),
        date(2027, 1, 1))
_RULES: dict = {}


def rules(directory, change: str):
    key = (directory, change)
    if key not in _RULES:
        text = (directory / CITY).read_text(encoding="utf-8")
        edit = CHANGES[change]
        if edit is not None:
            assert edit[0] in text, edit
            text = text.replace(edit[0], edit[1])
        _RULES[key], faults = check_directory(directory, overrides={CITY: text})
        assert not faults, faults
    return _RULES[key]


def money():
    """Amount texts: whole yuan, one, two or three decimals, now and then as large as an input may be."""
    whole = st.one_of(st.integers(0, 60000), st.integers(0, 60000), st.integers(0, 10**15 - 1))
    return st.one_of(
        whole.map(str),
        st.tuples(whole, st.integers(0, 9)).map(lambda t: f"{t[0]}.{t[1]}"),
        st.tuples(whole, st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]:02d}"),
        st.tuples(whole, st.integers(0, 999)).map(lambda t: f"{t[0]}.{t[1]:03d}"),
    )


odd = st.sampled_from([None, -1, "-5", "1.", "", "１２", True, 3.5, [], {}])


@st.composite
def application(draw):
    kind = draw(st.sampled_from(["expenditure", "expenditure", "emergency"]))
    county = draw(st.sampled_from(["370811", "370830", "370881", "370881", "999999"]))
    category = draw(st.sampled_from(["illness:uremia", "illness:leukemia", "illness:hemophilia",
                                     "education:senior_high", "education:college", "other:other",
                                     "other:flood", "incident:fire", "incident:traffic_accident"]))
    size = draw(st.integers(1, 6))
    day = date(2019, 1, 1) + timedelta(days=draw(st.integers(0, 365 * 9)))
    household = {"size": size}
    if kind == "expenditure" or draw(st.integers(0, 4)) == 0:
        household.update({
            "monthly_income": draw(st.lists(money(), min_size=2, max_size=13)),
            "monthly_necessary_expenses": draw(st.lists(money(), min_size=2, max_size=7)),
            "financial_assets": draw(money()),
            "houses": draw(st.integers(0, 3)), "vehicles": draw(st.integers(0, 2)),
        })
    for flag in ("dibao", "tekun", "dibao_edge", "rigid_expense"):
        if draw(st.booleans()):
            household[flag] = draw(st.booleans())
    if draw(st.integers(0, 2)) > 0:
        household["recognised_on"] = (date(2026, 4, 1) - timedelta(days=draw(st.integers(-40, 500)))).isoformat()
    data = {"county": county, "kind": kind, "category": category, "application_date": day.isoformat(),
            "residency": draw(st.sampled_from(["local_hukou", "residence_permit", "none"])),
            "area": draw(st.sampled_from(["urban", "rural"])), "household": household}
    severity = draw(st.sampled_from([None, "light", "heavy", "major"] if kind == "emergency"
                                    else [None, None, None, None, "major", "light"]))
    if severity:
        data["severity"] = severity
    if kind == "expenditure" or severity == "heavy" or draw(st.booleans()):
        data["cost"] = draw(money())
    if draw(st.booleans()):
        data["beneficiaries"] = draw(st.integers(1, size + 1))
    if draw(st.booleans()):
        data["requested_amount"] = draw(money())
    if draw(st.booleans()):
        data["accepted_on"] = "not a date: re-dating drops it"
    if draw(st.integers(0, 9)) == 0:  # now and then one field out of the ordinary
        target = draw(st.sampled_from([data, household]))
        target[draw(st.sampled_from(sorted(target)))] = draw(odd)
    return data


def usual(data, rules_, day):
    """What the impact's per-row path decides: parsed once, evaluated without explanation."""
    try:
        req = parse_input(redated(data, day.isoformat()))
    except InputError as exc:
        req = exc
    return _decide(req, rules_)


SETTINGS = settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=application(), change=st.sampled_from(sorted(CHANGES)), day=st.sampled_from(DAYS),
       with_2026=st.booleans())
def test_where_the_decision_path_decides_it_decides_as_the_engine(data, change, day, with_2026):
    rules_ = rules(FIXTURES_2026 if with_2026 else FIXTURES, change)
    row = read_row(data, day)
    decided = None if row is None else Decider(rules_, day).decide(row)
    if decided is None:
        return
    assert quick_parse(redated(data, day.isoformat())) is not None  # never more than the fast parser takes
    expected = usual(data, rules_, day)
    assert decided == expected
    assert type(decided[2]) is type(expected[2]) and str(decided[2]) == str(expected[2])  # the same Decimal


#: the impact's property tests: a caseload, a rule change, a day, and the rules before or after 2026's
caseloads = given(apps=st.lists(application(), min_size=1, max_size=40), change=st.sampled_from(sorted(CHANGES)),
                  day=st.sampled_from(DAYS), with_2026=st.booleans())
CASELOAD_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rule_change(change: str, with_2026: bool):
    """``(current, proposed)``: the fixture rules as they are, and with ``change`` made."""
    directory = FIXTURES_2026 if with_2026 else FIXTURES
    return rules(directory, "as they are"), rules(directory, change)


@CASELOAD_SETTINGS
@caseloads
def test_the_impact_summary_is_the_same_with_and_without_the_decision_path(apps, change, day, with_2026):
    current, proposed = rule_change(change, with_2026)
    keyed = list(enumerate(apps))
    fast = impact(current, proposed, keyed, day, examples=10)
    slow = impact(current, proposed, keyed, day, examples=10, columns=False)
    assert fast == slow
    for name in ("total_before", "total_after", "quick_total_before", "quick_total_after"):
        assert str(getattr(fast, name)) == str(getattr(slow, name)), name


def plain_expenditure(**household):
    return {"county": "370811", "kind": "expenditure", "category": "illness:uremia", "application_date": "2026-05-01",
            "residency": "local_hukou", "area": "urban", "cost": "20000.5",
            "household": {"size": 2, "monthly_income": ["800"] * 12, "monthly_necessary_expenses": ["300.25"] * 6,
                          "financial_assets": "1000", "houses": 1, "vehicles": 0, **household}}


def test_a_major_application_is_decided_case_by_case_by_the_countys_leading_group():
    rules_ = rules(FIXTURES_2026, "as they are")
    day = date(2026, 5, 1)
    for data in (dict(plain_expenditure(), severity="major"),
                 {"county": "370811", "kind": "emergency", "category": "incident:fire", "severity": "major",
                  "residency": "local_hukou", "area": "urban", "household": {"size": 3},
                  "application_date": "2026-05-01"}):
        decided = Decider(rules_, day).decide(read_row(data, day))
        assert decided == (True, "county_leading_group", None, None, False) == usual(data, rules_, day)
    refused = dict(plain_expenditure(), severity="major", residency="none")
    assert Decider(rules_, day).decide(read_row(refused, day)) == (False, None, None, None, False)
    assert usual(refused, rules_, day) == (False, None, None, None, False)


def test_the_plain_application_is_decided_by_the_decision_path():
    rules_ = rules(FIXTURES_2026, "as they are")
    day = date(2026, 5, 1)
    for data in (plain_expenditure(), plain_expenditure(dibao=True, recognised_on="2026-03-01"),
                 {"county": "370881", "kind": "emergency", "category": "incident:fire", "severity": "light",
                  "application_date": "2026-05-01", "residency": "none", "area": "rural", "household": {"size": 1},
                  "requested_amount": "100.5"}):
        decided = Decider(rules_, day).decide(read_row(data, day))
        assert decided is not None and decided == usual(data, rules_, day)


def test_what_is_out_of_the_ordinary_goes_the_engines_way():
    rules_ = rules(FIXTURES_2026, "as they are")
    day = date(2026, 5, 1)
    light = dict(plain_expenditure(), severity="light")           # an expenditure's severity: major alone
    seven_decimals = dict(plain_expenditure(), cost="20000.5050505")
    few_months = plain_expenditure(monthly_income=["800"] * 6)
    unknown_county = dict(plain_expenditure(), county="999999")
    recognised_without_date = plain_expenditure(dibao=True)
    for data in (light, seven_decimals):
        assert read_row(data, day) is None
    for data in (few_months, unknown_county, recognised_without_date):
        assert Decider(rules_, day).decide(read_row(data, day)) is None
        assert usual(data, rules_, day)[3] is not None  # the engine's input error, worded by the engine


def _edge(decided, month: str, low: int, high: int) -> int:
    """The fewest fen in ``month`` of the window (the last of the net income months, the last of the
    income months) at which ``decided`` turns ineligible, by bisection between ``low`` and ``high``."""
    assert decided(low) and not decided(high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if decided(middle) else (low, middle)
    return high


def test_every_month_of_each_window_counts_to_the_fen():
    """Net income just below the limit and one fen over it, moved by the last month of each window: the
    decision path and the engine flip together."""
    rules_ = rules(FIXTURES_2026, "as they are")
    day = date(2026, 5, 1)

    def household(month: int, fen: int, field: str):
        months = ["800"] * (12 if field == "monthly_income" else 6)
        months[month] = f"{fen // 100}.{fen % 100:02d}"
        spending = {} if field == "monthly_income" else {"monthly_income": ["2200"] * 12}  # over the limit unspent
        return plain_expenditure(**{field: months, "financial_assets": "0", **spending})

    for field, month in (("monthly_income", 5), ("monthly_income", 11), ("monthly_necessary_expenses", 5)):
        def engine(fen: int) -> bool:
            return bool(usual(household(month, fen, field), rules_, day)[0])

        def path(fen: int) -> bool:
            data = household(month, fen, field)
            return bool(Decider(rules_, day).decide(read_row(data, day))[0])

        if field == "monthly_necessary_expenses":     # more spending: eligible again
            flip = _edge(lambda fen: not engine(fen), month, 0, 10**8)
        else:
            flip = _edge(engine, month, 0, 10**8)
        for fen in (flip - 1, flip):
            assert path(fen) == engine(fen), (field, month, fen)
        assert engine(flip - 1) != engine(flip)
