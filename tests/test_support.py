"""The suite's own generated data is unique by construction, so no test collides with another
(issue #19: ID numbers drawn from 12,000 values made 1 run in 4 fail on a UNIQUE constraint)."""
from app.idnumber import is_valid
from tests.support import fresh_id_number


def test_generated_id_numbers_never_repeat_and_are_valid():
    numbers = [fresh_id_number() for _ in range(20000)]
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid(n) for n in numbers)


def test_households_made_in_one_test_get_distinct_numbers(session):
    from tests.support import make_household

    made = [make_household(session, "370811").id_number for _ in range(50)]
    assert len(set(made)) == 50
