"""Resident ID numbers (GB 11643): check digits and masking."""
import pytest

from app.idnumber import check_digit, is_valid, mask


@pytest.mark.parametrize("number", ["37081119800101001X", "370881197506150020",
                                    "370883199002280034", "370812200002290048"])
def test_synthetic_fixture_numbers_are_valid(number):
    assert is_valid(number)


@pytest.mark.parametrize("number,why", [
    ("370811198001010010", "wrong check digit"),
    ("37081119800230001X", "no 30 February"),
    ("3708111980010100", "too short"),
    ("37081119800101001Y", "not a check character"),
])
def test_invalid_numbers(number, why):
    assert not is_valid(number), why


def test_check_digit_x():
    assert check_digit("37081119800101001") == "X"


def test_mask_keeps_four_and_four():
    assert mask("370881197506150020") == "3708**********0020"
    assert mask("") == ""
