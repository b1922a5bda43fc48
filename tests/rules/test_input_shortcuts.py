"""The shortcuts of input checking (one match for a whole money list, one set operation for the
shape) decide exactly as the field-by-field walk does: same amounts, same first error, same message."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.rules.faults import InputError
from app.rules.inputs import HOUSEHOLD_FIELDS, TOP_FIELDS, _check_shape, money_list, parse_input, walk_money_list


def walked_money_list(value, field):
    """The entry-by-entry check the shortcut stands for."""
    if type(value) is not list:
        return money_list(value, field)  # not a list: no shortcut is taken
    return walk_money_list(value, field)


def outcome(function, *args):
    try:
        return ("ok", function(*args))
    except InputError as exc:
        return ("error", exc.field, exc.message)


money_texts = st.one_of(
    st.from_regex(r"-?[0-9]{1,16}(\.[0-9]{0,7})?", fullmatch=True),
    st.text(alphabet="0123456789.,-e ", max_size=8),
    st.integers(0, 10**6), st.none(),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(money_texts, max_size=14))
def test_money_list_shortcut_matches_the_walk(value):
    fast, walked = outcome(money_list, value, "household.monthly_income"), outcome(walked_money_list, value,
                                                                                   "household.monthly_income")
    assert fast == walked
    if fast[0] == "ok":
        assert [str(a) for a in fast[1]] == [str(a) for a in walked[1]]  # the same Decimals, digit for digit


@pytest.mark.parametrize("value", [["1,2"], ["1,2", "3"], ["1", ",2"], [",", "1"], ["-0"], [""], "12"])
def test_money_list_edge_cases(value):
    assert outcome(money_list, value, "f") == outcome(walked_money_list, value, "f")


keys = st.sampled_from([*TOP_FIELDS, "extra", "household"])
household_keys = st.sampled_from([*HOUSEHOLD_FIELDS, "extra"])


@settings(max_examples=300, deadline=None)
@given(st.sets(keys), st.one_of(st.sets(household_keys), st.none(), st.just("not an object")))
def test_the_shape_shortcut_raises_what_the_walk_raises(top, household):
    data = dict.fromkeys(top, "x")
    if household is not None and "household" in top:
        data["household"] = dict.fromkeys(household, 1) if isinstance(household, set) else household
    walked = outcome(_check_shape, data, data.get("household"))
    parsed = outcome(parse_input, data)
    if walked[0] == "error":
        assert parsed == walked
    else:  # the shape is right: parsing goes on to the fields' values, and "x" is no county code
        assert parsed == ("error", "county", "must be a 6-digit county code as a string")
