"""一门受理: one intake form for every kind of case.

The caseworker finds the household by its ID number (one household per number: intake never creates a
twin), picks kind, category and severity (the choices come from the county's rule file), enters the
figures the engine needs, previews the verdict with its reasons, then saves.
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import Household
from app.rules import InputError
from app.security.scope import current_user, scope_clause
from app.services.intake import IntakeRefused, intake, preview
from app.services.rules import current_rules
from app.views.cases import CHECK_LABELS, LEVEL_LABELS, category_label
from app.views.policy_labels import note_label
from app.views.refusals import refusal_text
from app.views.intake_form import IntakeForm, figures_from_form
from app.views.passing_form import PassingForm, fill_choices, person_from_form
from app.services.passing import intake_passing, preview_passing


class IntakeView(BaseView):
    route_base = "/intake"
    default_view = "index"
    base_permissions = ["can_intake"]

    def _household(self, id_number: str) -> Household | None:
        user = current_user()
        return self.appbuilder.session.scalar(select(Household).where(
            Household.id_number == id_number.strip().upper(), scope_clause(Household, user)))

    def _choices(self, household: Household | None, county: str | None = None):
        rules = current_rules()
        counties = [household.county.code] if household else [county] if county else rules.counties()[:1]
        seen = {}
        for county in counties:
            for category in rules.categories(county):
                key = f"{category.kind}:{category.code}"
                seen.setdefault(key, category_label(key, county))
        return list(seen.items())

    @expose("/", methods=["GET", "POST"])
    @has_access
    @permission_name("intake")
    def index(self):
        id_number = request.values.get("id_number", "")
        household = self._household(id_number) if id_number else None
        form = IntakeForm(request.form if request.method == "POST" else None)
        form.category.choices = self._choices(household)
        verdict = error = None
        if id_number and household is None:
            flash(str(_l("No household with this ID number in your jurisdiction: register it first.")), "warning")
        if request.method == "POST" and household is not None and form.validate():
            figures = figures_from_form(form)
            session = self.appbuilder.session
            try:
                if request.form.get("action") == "save":
                    case = intake(session, household, figures, current_user(), current_rules())
                    session.commit()
                    flash(str(_l("Case %(number)s taken in.", number=case.number)), "success")
                    return redirect(url_for("CaseView.show", pk=case.id))
                verdict = preview(household, figures, current_rules())
            except InputError as exc:
                session.rollback()
                error = f"{exc.field}: {exc.message}"
            except IntakeRefused as exc:
                session.rollback()
                error = exc.message
        return self.render_template("tempaid/intake.html", form=form, household=household, id_number=id_number,
                                    verdict=verdict, error=error, title=_l("Intake"), check_labels=CHECK_LABELS,
                                    level_labels=LEVEL_LABELS)

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
                error = f"{exc.field}: {exc.message}"
            except IntakeRefused as exc:
                session.rollback()
                error = refusal_text(exc)
        return self.render_template("tempaid/intake_passing.html", form=form, verdict=verdict, error=error,
                                    title=_l("Person passing through"), check_labels=CHECK_LABELS,
                                    level_labels=LEVEL_LABELS, note_label=note_label)
