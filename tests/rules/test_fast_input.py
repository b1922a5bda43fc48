"""The fast path of input checking (:func:`app.rules.fastinput.quick_parse`) builds exactly what the
general checker builds, and declines (None) every input the general checker rejects — so no verdict
byte and no error message can depend on which path an input took."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.faults import InputError
from app.rules.fastinput import quick_parse
from app.rules.inputs import check_input, parse_input

from .test_properties import applications

# values a field may be replaced by: well-formed and malformed, of every JSON type
odd_values = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**16), st.floats(allow_nan=False, allow_infinity=False),
    st.from_regex(r"-?[0-9]{0,17}(\.[0-9]{0,8})?", fullmatch=True),
    st.text(alphabet="0123456789.-+e ,:T٣²", max_size=12),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?",
                  fullmatch=True),
    st.sampled_from(["expenditure", "emergency", "light", "heavy", "major", "urban", "rural", "local_hukou",
                     "none", "370811", "37081", "illness:uremia", "Illness:x", "illness:", "a:\n", "1970-01-01",
                     "0001-01-01", "3000-01-01", "2019-02-29", "2020-02-29", "2019-03-15T21:30:00+08:00",
                     "2019-03-15T21:30:00", "-0", "0.000000", "1e3", "１２"]),
    st.lists(st.one_of(st.from_regex(r"[0-9]{1,16}(\.[0-9]{0,7})?", fullmatch=True), st.none(), st.just("-1")),
             max_size=13),
)
top_keys = st.sampled_from(["county", "kind", "category", "application_date", "residency", "area", "household",
                            "cost", "beneficiaries", "severity", "requested_amount", "accepted_on",
                            "reported_at", "pre_assisted_on", "unknown"])
household_keys = st.sampled_from(["size", "monthly_income", "monthly_necessary_expenses", "financial_assets",
                                  "houses", "vehicles", "dibao", "tekun", "dibao_edge", "rigid_expense",
                                  "recognised_on", "unknown"])


@st.composite
def inputs(draw):
    """A valid application, often with a few fields replaced, dropped or added (valid or not)."""
    data = draw(applications())
    data["household"] = dict(data["household"])
    if draw(st.booleans()):
        day = date.fromisoformat(data["application_date"])
        data["household"]["recognised_on"] = (day - timedelta(days=draw(st.integers(-3, 900)))).isoformat()
        data["household"][draw(st.sampled_from(["dibao", "dibao_edge", "rigid_expense"]))] = True
    if draw(st.booleans()):
        data["reported_at"] = draw(odd_values) if draw(st.booleans()) else \
            f"{data['application_date']}T0{draw(st.integers(0, 9))}:15:00+0{draw(st.integers(0, 9))}:00"
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["replace", "drop", "replace_household", "drop_household"]))
        if action == "replace":
            data[draw(top_keys)] = draw(odd_values)
        elif action == "drop":
            data.pop(draw(top_keys), None)
        elif isinstance(data.get("household"), dict):
            if action == "replace_household":
                data["household"][draw(household_keys)] = draw(odd_values)
            else:
                data["household"].pop(draw(household_keys), None)
    return data


def general(data):
    try:
        return ("ok", check_input(data).fields())
    except InputError as exc:
        return ("error", exc.field, exc.message)


def assert_same(data):
    fast, slow = quick_parse(data), general(data)
    if fast is not None:
        assert slow[0] == "ok", f"the fast path accepted what the general checker rejects: {slow}"
        fields = fast.fields()
        assert fields == slow[1]
        assert [type(v) for v in fields] == [type(v) for v in slow[1]]
        assert [str(v) for v in fields] == [str(v) for v in slow[1]]  # the same Decimals, digit for digit
    outcome = parse_input(data).fields() if slow[0] == "ok" else None
    assert outcome == (slow[1] if slow[0] == "ok" else None)


@settings(max_examples=1500, deadline=None)
@given(inputs())
def test_the_fast_path_builds_what_the_general_checker_builds_or_declines(data):
    assert_same(data)


@settings(max_examples=300, deadline=None)
@given(applications())
def test_the_usual_valid_input_takes_the_fast_path(data):
    assert quick_parse(data) is not None
    assert_same(data)


@pytest.mark.parametrize("patch", [
    {"severity": None}, {"cost": None}, {"beneficiaries": None}, {"accepted_on": None}, {"cost": "-0"},
    {"cost": "1."}, {"cost": ".5"}, {"cost": "1234567890123456"}, {"cost": "1.1234567"}, {"cost": "１２"},
    {"cost": "٣"}, {"cost": 12}, {"beneficiaries": True}, {"application_date": "2019-02-29"},
    {"application_date": "3000-01-01"}, {"category": "illness:\n"}, {"reported_at": "2019-03-15T21:30:00"},
])
def test_edge_values_decide_alike(patch):
    data = {"county": "370811", "kind": "expenditure", "category": "illness:uremia",
            "application_date": "2019-03-15", "residency": "local_hukou", "area": "urban",
            "household": {"size": 2, "monthly_income": ["1", "2.5"], "monthly_necessary_expenses": ["0"],
                          "financial_assets": "100", "houses": 1, "vehicles": 0}, "cost": "5000"}
    assert quick_parse(data) is not None
    data.update(patch)
    assert_same(data)
    assert quick_parse(data) is None or general(data)[0] == "ok"


def test_household_flags_and_counts_that_are_null_are_declined():
    data = {"county": "370811", "kind": "emergency", "category": "incident:fire", "application_date": "2019-03-15",
            "residency": "none", "area": "rural", "severity": "light", "household": {"size": 1}}
    assert quick_parse(data) is not None
    for key in ("houses", "vehicles", "dibao", "recognised_on", "financial_assets", "monthly_income"):
        broken = dict(data, household={"size": 1, key: None})
        assert quick_parse(broken) is None
        assert general(broken)[0] == "error"
