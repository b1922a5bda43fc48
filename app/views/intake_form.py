"""The intake form's fields and their translation into the engine's input (money as strings).

Dates and times are picked, never typed with a zone: the application date is a date field (today by
default), the report time of an emergency a local date-time read as China time. The monthly figures the
engine compares are one labelled field per month, as many as the county's rules compare
(``eligibility.expenditure.income_months`` / ``net_income_months``); a row of figures pasted into the
first field (or posted as one list) fills the months in order. The engine's refusals of an input are shown
on their field in the user's language (:func:`input_error`).
"""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, DateTimeLocalField, FieldList, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional, Regexp

from app.models.audit import utcnow
from app.web.input_errors import WHOLE, input_error  # noqa: F401 (the intake screens read it here)
from app.rules.inputs import CST
from app.services.deadlines import china_today

MONEY = Regexp(r"^\d+(\.\d{1,2})?$", message=_l("An amount in yuan, e.g. 1200 or 1200.50"))
#: figures in one pasted text: separated by commas (either width), spaces, tabs or new lines
_SEPARATORS = re.compile(r"[\s,，;；]+")
MONTHLY = ("monthly_income", "monthly_necessary_expenses")


def now_in_china() -> dt.datetime:
    return utcnow().astimezone(CST).replace(second=0, microsecond=0, tzinfo=None)


class IntakeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("expenditure", _l("Expenditure")), ("emergency", _l("Emergency"))])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    severity = SelectField(_l("Severity"), choices=[("", "—"), ("light", _l("Light")), ("heavy", _l("Heavy")),
                                                    ("major", _l("Major (case by case)"))], default="")
    application_date = DateField(_l("Application date"), validators=[DataRequired()], default=china_today)
    reported_at = DateTimeLocalField(_l("Reported at (emergency)"), validators=[Optional()], tz=CST,
                                     format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
                                     default=now_in_china)
    cost = StringField(_l("Self-paid cost or loss"), validators=[Optional(), MONEY])
    beneficiaries = IntegerField(_l("Beneficiaries"), validators=[Optional(), NumberRange(min=1, message=WHOLE)])
    requested_amount = StringField(_l("Requested amount"), validators=[Optional(), MONEY])
    financial_assets = StringField(_l("Financial assets"), validators=[Optional(), MONEY])
    houses = IntegerField(_l("Houses"), validators=[Optional(), NumberRange(min=0, message=WHOLE)])
    vehicles = IntegerField(_l("Vehicles"), validators=[Optional(), NumberRange(min=0, message=WHOLE)])


def intake_form(formdata, income_months: int, expense_months: int) -> IntakeForm:
    """The form with one field per month the county's rules compare (most recent month first)."""

    class Form(IntakeForm):
        monthly_income = FieldList(StringField(validators=[Optional(), MONEY]), min_entries=income_months,
                                   max_entries=income_months)
        monthly_necessary_expenses = FieldList(StringField(validators=[Optional(), MONEY]),
                                               min_entries=expense_months, max_entries=expense_months)

    return Form(spread_pasted(formdata, {"monthly_income": income_months,
                                         "monthly_necessary_expenses": expense_months}) if formdata else None)


def spread_pasted(formdata, counts: dict[str, int]) -> MultiDict:
    """A row of figures given in one field (the first month's, or the whole list under the field's own
    name) spread over the month fields in order, so a paste from a spreadsheet fills them all."""
    data = MultiDict(formdata)
    for name, count in counts.items():
        first = f"{name}-0"
        text = data.get(first) if data.get(first) else data.get(name, "")
        parts = [p for p in _SEPARATORS.split(text or "") if p]
        if len(parts) > 1 or (name in data and first not in data):
            for index, part in enumerate(parts[:count]):
                data[f"{name}-{index}"] = part
            if len(parts) > count:  # more figures than months: keep them, so the error says so
                data[f"{name}-{count - 1}"] = " ".join(parts[count - 1:])
        data.pop(name, None)
    return data


def month_labels(application_date: dt.date | None, count: int) -> list[str]:
    """The months the fields stand for, most recent first: those before the application month."""
    day = application_date or china_today()
    year, month = day.year, day.month
    labels = []
    for _ in range(count):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        labels.append(f"{year}-{month:02d}")
    return labels


def _months(field) -> list[str] | None:
    if field is None:  # a form without monthly figures (a person passing through)
        return None
    values = [(entry.data or "").strip() for entry in field.entries]
    while values and not values[-1]:
        values.pop()
    return values or None


def figures_from_form(form: IntakeForm) -> dict:
    """The engine's figures: empty fields are left out, so the engine names what is missing. The report
    time is an emergency's only, in China time with its offset."""
    emergency = form.kind.data == "emergency"
    reported = form.reported_at.data if emergency else None
    figures = {
        "kind": form.kind.data, "category": form.category.data, "severity": form.severity.data or None,
        "application_date": form.application_date.data.isoformat(), "cost": form.cost.data or None,
        "beneficiaries": form.beneficiaries.data, "requested_amount": form.requested_amount.data or None,
        "reported_at": reported.replace(tzinfo=CST).isoformat(timespec="seconds") if reported else None,
    }
    household = {
        "monthly_income": _months(getattr(form, "monthly_income", None)),
        "monthly_necessary_expenses": _months(getattr(form, "monthly_necessary_expenses", None)),
        "financial_assets": form.financial_assets.data or None,
        "houses": form.houses.data, "vehicles": form.vehicles.data,
    }
    figures = {k: v for k, v in figures.items() if v is not None}
    figures["household"] = {k: v for k, v in household.items() if v is not None}
    return figures


