"""Field validators shared by the screens (WTForms) and the REST API (marshmallow): one worded rule per
field, so a number or a name refused on one door is refused on every other with the same words."""
from __future__ import annotations

import datetime as dt

import marshmallow
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.idnumber import normalise, problem
from app.names import name_problem
from app.rules.inputs import CST

ID_NUMBER_MESSAGE = _l("Not a valid resident ID number (18 characters, GB 11643 check digit)")
ID_NUMBER_PROBLEMS = {
    "shape": _l("A resident ID number is 17 digits and a last digit or X"),
    "birth_date": _l("The birth date in this ID number is no real day"),
    "born_later": _l("The birth date in this ID number lies in the future"),
    "check_digit": ID_NUMBER_MESSAGE,
}
NAME_PROBLEMS = {
    "blank": _l("Enter the name"),
    "invisible": _l("The name contains invisible or control characters (zero-width, direction marks, tabs): "
                    "type it again"),
}


def id_number_message(value) -> str | None:
    """The worded reason a typed ID number is refused, or None (full-width digits read as ASCII)."""
    why = problem(normalise(value) if isinstance(value, str) else None)
    return None if why is None else str(ID_NUMBER_PROBLEMS[why])


def name_message(value) -> str | None:
    why = name_problem(value)
    return None if why is None else str(NAME_PROBLEMS[why])


class IdNumber:
    """WTForms: an 18-character resident ID number with a correct check digit and a past birth date."""

    def __call__(self, _form, field) -> None:
        message = id_number_message(field.data) if field.data else None
        if message:
            raise ValidationError(message)


class PersonName:
    """WTForms: a person's name with something visible in it and nothing invisible."""

    def __call__(self, _form, field) -> None:
        message = name_message(field.data)
        if message:
            raise ValidationError(message)


def id_number_field(value) -> None:
    """marshmallow: the same rule for the REST API."""
    message = id_number_message(value)
    if message:
        raise marshmallow.ValidationError(message)


def person_name_field(value) -> None:
    message = name_message(value)
    if message:
        raise marshmallow.ValidationError(message)


class RecognisedDay:
    """WTForms, on a status checkbox (dibao, 低保边缘, 刚性支出): when ticked, the day it was recognised is
    given too — the engine needs it once ``recognised_months`` is in force."""

    def __init__(self, day_field: str):
        self.day_field = day_field

    def __call__(self, form, field) -> None:
        if field.data and not form[self.day_field].data:
            raise ValidationError(str(_l("Give the day this status was recognised.")))


def not_in_future(_form, field) -> None:
    """WTForms: a day of recognition (China time) is never after today."""
    if field.data and field.data > dt.datetime.now(CST).date():
        raise ValidationError(str(_l("The day of recognition is not in the future.")))
