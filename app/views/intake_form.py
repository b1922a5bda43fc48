"""The intake form's fields and their translation into the engine's input (money as strings)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Optional, Regexp

MONEY = Regexp(r"^\d+(\.\d{1,2})?$", message=_l("An amount in yuan, e.g. 1200 or 1200.50"))
MONEY_LIST = Regexp(r"^\s*\d+(\.\d{1,2})?(\s*[,，\s]\s*\d+(\.\d{1,2})?)*\s*$",
                    message=_l("Amounts separated by commas, most recent month first"))


class IntakeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("expenditure", _l("Expenditure")), ("emergency", _l("Emergency"))])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    severity = SelectField(_l("Severity"), choices=[("", "—"), ("light", _l("Light")), ("heavy", _l("Heavy")),
                                                    ("major", _l("Major (case by case)"))], default="")
    application_date = DateField(_l("Application date"), validators=[DataRequired()])
    cost = StringField(_l("Self-paid cost or loss"), validators=[Optional(), MONEY])
    beneficiaries = IntegerField(_l("Beneficiaries"), validators=[Optional()])
    requested_amount = StringField(_l("Requested amount"), validators=[Optional(), MONEY])
    reported_at = StringField(_l("Reported at (emergency)"), validators=[Optional()])
    monthly_income = StringField(_l("Monthly income, most recent first"), validators=[Optional(), MONEY_LIST])
    monthly_necessary_expenses = StringField(_l("Monthly necessary expenses, most recent first"),
                                             validators=[Optional(), MONEY_LIST])
    financial_assets = StringField(_l("Financial assets"), validators=[Optional(), MONEY])
    houses = IntegerField(_l("Houses"), validators=[Optional()])
    vehicles = IntegerField(_l("Vehicles"), validators=[Optional()])


def _split(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [part for part in text.replace("，", ",").replace(" ", ",").split(",") if part]


def figures_from_form(form: IntakeForm) -> dict:
    """The engine's figures: empty fields are left out, so the engine names what is missing."""
    figures = {
        "kind": form.kind.data, "category": form.category.data, "severity": form.severity.data or None,
        "application_date": form.application_date.data.isoformat(), "cost": form.cost.data or None,
        "beneficiaries": form.beneficiaries.data, "requested_amount": form.requested_amount.data or None,
        "reported_at": form.reported_at.data or None,
    }
    household = {
        "monthly_income": _split(form.monthly_income.data),
        "monthly_necessary_expenses": _split(form.monthly_necessary_expenses.data),
        "financial_assets": form.financial_assets.data or None,
        "houses": form.houses.data, "vehicles": form.vehicles.data,
    }
    figures = {k: v for k, v in figures.items() if v is not None}
    figures["household"] = {k: v for k, v in household.items() if v is not None}
    return figures
