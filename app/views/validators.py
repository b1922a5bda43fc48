"""Field validators shared by the screens (WTForms) and the REST API (marshmallow)."""
from __future__ import annotations

import datetime as dt

import marshmallow
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.idnumber import is_valid
from app.rules.inputs import CST

ID_NUMBER_MESSAGE = _l("Not a valid resident ID number (18 characters, GB 11643 check digit)")


class IdNumber:
    """WTForms: an 18-character resident ID number with a correct check digit."""

    def __call__(self, _form, field) -> None:
        if field.data and not is_valid(field.data.strip().upper()):
            raise ValidationError(str(ID_NUMBER_MESSAGE))


def id_number_field(value: str) -> None:
    """marshmallow: the same rule for the REST API."""
    if not is_valid(str(value).strip().upper()):
        raise marshmallow.ValidationError(str(ID_NUMBER_MESSAGE))



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
