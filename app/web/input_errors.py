"""The engine's refusals of an input (its English sentences, spec/evaluation.md) in the user's language,
on the form field they belong to: shared by the intake screens and the public self-check (page and API),
so the public side needs no screen module."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

WHOLE = _l("A whole number, 0 or more")

#: the engine's refusals of an input (its English sentences, spec/evaluation.md) as the form says them
_INPUT_ERRORS = (
    (re.compile(r"^missing required field"), _l("Required for this kind of case.")),
    (re.compile(r"^needs at least (?P<n>\d+) months"), _l("Give the figures of all %(n)s months.")),
    (re.compile(r"^(entry \d+ )?must be .*amount|^(entry \d+ )?must be a decimal|^(entry \d+ )?must be \d"),
     _l("An amount in yuan, e.g. 1200 or 1200.50")),
    (re.compile(r"must not be negative"), _l("An amount in yuan, e.g. 1200 or 1200.50")),
    (re.compile(r"^an expenditure case takes"), _l("An expenditure case takes an illness, education or other "
                                                   "category.")),
    (re.compile(r"^an expenditure case may only say major"), _l("An expenditure case is either ordinary (no "
                                                                "severity) or a major hardship.")),
    (re.compile(r"^no value of (?P<path>\S+) is in force"), _l("The county's rules give no value in force on this "
                                                                "date for this case.")),
    (re.compile(r"has no category"), _l("The county has no such category.")),
    (re.compile(r"^must be at least (?P<n>[1-9][0-9]*)"), _l("A whole number, at least %(n)s.")),
    (re.compile(r"^must be a whole number|^must be at least"), WHOLE),
    (re.compile(r"^must be a date"), _l("Pick the date.")),
    (re.compile(r"^must be an ISO 8601 time"), _l("Pick the date and time.")),
)
#: the form field each input field of the engine is shown on
_FIELDS = {"household.monthly_income": "monthly_income", "household.monthly_necessary_expenses":
           "monthly_necessary_expenses", "household.financial_assets": "financial_assets",
           "household.houses": "houses", "household.vehicles": "vehicles", "accepted_on": "application_date"}


def input_error(exc) -> tuple[str | None, str]:
    """(the form field, the sentence in the user's language) for the engine's ``InputError``."""
    field = _FIELDS.get(exc.field or "", exc.field)
    for pattern, sentence in _INPUT_ERRORS:
        found = pattern.search(exc.message or "")
        if found:
            return field, str(sentence) % found.groupdict() if found.groupdict() else str(sentence)
    return field, str(_l("This figure is not accepted."))
