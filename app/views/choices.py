"""Coded values shown in the user's language, and the select fields that offer them."""
from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired, Optional

CHOICES = {
    "area": (("urban", _l("Urban")), ("rural", _l("Rural"))),
    "residency": (("local_hukou", _l("Local hukou")), ("residence_permit", _l("Residence permit")),
                  ("none", _l("Neither"))),
    "level": (("city", _l("City")), ("county", _l("County-level unit")), ("township", _l("Township or street"))),
}


def label_of(column: str, code: str | None) -> str:
    return str(dict(CHOICES[column]).get(code, code or ""))


def select_fields(labels: dict, *columns: str) -> dict:
    """``add_form_extra_fields`` / ``edit_form_extra_fields`` replacing free text with a choice."""
    return {column: SelectField(labels[column], choices=list(CHOICES[column]), validators=[DataRequired()],
                                widget=Select2Widget()) for column in columns}


def formatters(*columns: str) -> dict:
    return {column: (lambda value, column=column: label_of(column, value)) for column in columns}


def flag_fields(labels: dict, *columns: str) -> dict:
    """Tick boxes for non-nullable Boolean columns: FAB's generated field requires input, so an unticked
    box (False — most applicants are neither dibao nor tekun) could not be saved."""
    return {column: BooleanField(labels[column], default=False, validators=[Optional()]) for column in columns}


def yes_no(value) -> str:
    """A flag in words (是 / 否), never True or False on screen."""
    return "" if value is None else str(_l("Yes") if value else _l("No"))
