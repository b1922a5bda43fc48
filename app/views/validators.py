"""Field validators shared by the screens (WTForms) and the REST API (marshmallow)."""
from __future__ import annotations

import marshmallow
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.idnumber import is_valid

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
