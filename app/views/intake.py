"""一门受理: one intake form for every kind of case.

The caseworker finds the household by its ID number (one household per number: intake never creates a
twin), picks kind, category and severity (the choices come from the county's rule file), enters the
figures the engine needs, previews the verdict with its reasons, then saves. The categories offered
follow the chosen kind (an expenditure case takes the kinds the engine accepts for it), and every error is
shown on its field in the user's language.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.idnumber import normalise
from app.models import Household
from app.rules import InputError
from app.rules.engine import EXPENDITURE_CATEGORY_KINDS
from app.security.scope import scope_clause
from app.web.request_user import current_user
from app.services.intake import IntakeRefused, intake, preview
from app.services.deadlines import china_today
from app.services.rules import current_rules
from app.views import case_values
from app.views.refusals import refusal_text
from app.views.cases import CHECK_LABELS, DEADLINE_LABELS, LEVEL_LABELS, category_label
from app.views.intake_form import figures_from_form, input_error, intake_form, month_labels

#: the category kinds each kind of case takes (the engine's own list for expenditure; emergency takes all)
KIND_CATEGORIES = {"expenditure": EXPENDITURE_CATEGORY_KINDS}


def intake_refusal(exc: IntakeRefused) -> str:
    """An intake refusal in the user's language (the open case named by its number)."""
    if exc.code == "open_case_exists":
        number = exc.message.split("open case ", 1)[-1].split(" ", 1)[0]
        return str(_l("The household already has an open case of this category: %(number)s.", number=number))
    return refusal_text(exc)
from app.views.policy_labels import note_label
from app.views.passing_form import PassingForm, fill_choices, person_from_form
from app.services.leads import LeadRefused, incident_of, link_case
from app.views.lead_intake import lead_of_intake
from app.services.passing import intake_passing, preview_passing


def error_on_field(form, exc: InputError) -> str | None:
    """The engine's input error in the user's language, put on its form field; the sentence back when the
    form has no such field (shown above the form then)."""
    field, sentence = input_error(exc)
    target = getattr(form, field, None) if field else None
    if target is None:
        return sentence
    target.errors = list(target.errors) + [sentence]
    return None


class IntakeView(BaseView):
    route_base = "/intake"
    default_view = "index"
    base_permissions = ["can_intake"]

    def _household(self, id_number: str) -> Household | None:
        user = current_user()
        return self.appbuilder.session.scalar(select(Household).where(
            Household.id_number == normalise(id_number), scope_clause(Household, user)))

    def _county(self, household: Household | None) -> str:
        return household.county.code if household else current_rules().counties()[0]

    def _choices(self, household: Household | None, county: str | None = None):
        """(code, name, the option's ``data-kind``) for every category of the household's county."""
        rules = current_rules()
        county = county if household is None and county else self._county(household)
        return [(f"{c.kind}:{c.code}", category_label(f"{c.kind}:{c.code}", county), {"data-kind": c.kind})
                for c in rules.categories(county)]

    def _months(self, household: Household | None) -> tuple[int, int]:
        """How many months of income and of necessary expenses the county's rules compare today."""
        params = current_rules().county(self._county(household)).params(china_today())
        net = params.get("eligibility.expenditure.net_income_months")
        income = params.get("eligibility.expenditure.income_months")
        net_months = int(net.value) if net else 6
        income_months = int(income.value) if income else 12
        return max(net_months, income_months), net_months

    @expose("/", methods=["GET", "POST"])
    @has_access
    @permission_name("intake")
    def index(self):
        id_number = request.values.get("id_number", "")
        household = self._household(id_number) if id_number else None
        income_months, expense_months = self._months(household)
        form = intake_form(request.form if request.method == "POST" else None, income_months, expense_months)
        form.category.choices = self._choices(household)
        lead = lead_of_intake(self.appbuilder.session, request.values.get("lead"), form, request.method == "GET")
        verdict = error = None
        if id_number and household is None:
            flash(str(_l("No household with this ID number in your jurisdiction: register it first.")), "warning")
        if request.method == "POST" and household is not None and form.validate():
            figures = figures_from_form(form)
            session = self.appbuilder.session
            try:
                if request.form.get("action") == "save":
                    case = intake(session, household, figures, current_user(), current_rules(),
                                  incident=lead and incident_of(lead))
                    if lead is not None:  # taken in from the lead inbox: the lead records its case
                        link_case(session, lead, case, current_user())
                    session.commit()
                    flash(str(_l("Case %(number)s taken in.", number=case.number)), "success")
                    return redirect(url_for("CaseView.show", pk=case.id))
                verdict = preview(household, figures, current_rules())
            except InputError as exc:
                session.rollback()
                error = error_on_field(form, exc)
            except IntakeRefused as exc:
                session.rollback()
                error = intake_refusal(exc)
            except LeadRefused:
                session.rollback()
                error = str(_l("This lead has been handled already."))
        shown = None
        if verdict is not None:
            shown = {"checks": case_values.check_rows(verdict, CHECK_LABELS),
                     "deadlines": case_values.deadline_rows(verdict["deadlines"], DEADLINE_LABELS),
                     "warnings": [case_values.warning_text(w) for w in verdict["warnings"]],
                     "notes": [case_values.note_text(n) for n in verdict["notes"]],
                     "amount": case_values.amount_text(verdict["amount"])}
        return self.render_template(
            "tempaid/intake.html", form=form, household=household, id_number=id_number, verdict=verdict, lead=lead,
            shown=shown, error=error, title=_l("Intake"), level_labels=LEVEL_LABELS,
            kind_categories={k: list(v) for k, v in KIND_CATEGORIES.items()},
            income_labels=month_labels(form.application_date.data, income_months),
            expense_labels=month_labels(form.application_date.data, expense_months))

    @expose("/passing", methods=["GET", "POST"])
    @has_access
    @permission_name("intake")
    def passing(self):
        """临时遇困人员: an emergency of a person with no household in the county, helped where it happened."""
        session = self.appbuilder.session
        user = current_user()
        form = PassingForm(request.form if request.method == "POST" else None)
        fill_choices(form, session, user)
        region = user.region
        county = region.code if region is not None and region.level == "county" else \
            region.parent.code if region is not None and region.level == "township" else None
        form.category.choices = self._choices(None, county if county in current_rules().counties() else None)
        verdict = error = None
        if request.method == "POST" and form.validate():
            person, figures = person_from_form(form, session), figures_from_form(form)
            try:
                if request.form.get("action") == "save":
                    case = intake_passing(session, person, figures, user, current_rules())
                    session.commit()
                    flash(str(_l("Case %(number)s taken in.", number=case.number)), "success")
                    return redirect(url_for("CaseView.show", pk=case.id))
                verdict = preview_passing(session, person, figures, user, current_rules())
            except InputError as exc:
                session.rollback()
                error = error_on_field(form, exc)
            except IntakeRefused as exc:
                session.rollback()
                error = refusal_text(exc)
        return self.render_template("tempaid/intake_passing.html", form=form, verdict=verdict, error=error,
                                    title=_l("Person passing through"), check_labels=CHECK_LABELS,
                                    level_labels=LEVEL_LABELS, note_label=note_label)
