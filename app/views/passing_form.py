"""The intake form for a person passing through (临时遇困人员): who they are, where they come from, what
happened where, and the emergency figures of the ordinary intake form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from app.models import Region
from app.services.passing import Person
from app.services.townships import townships_in_scope
from app.views import choices
from app.views.intake_form import IntakeForm
from app.web.validators import IdNumber

OUTSIDE_CITY = ""


class PassingForm(IntakeForm):
    kind = HiddenField(default="emergency", validators=[AnyOf(["emergency"])])  # always an emergency
    name = StringField(_l("Person's name"), validators=[DataRequired(), Length(max=64)])
    id_number = StringField(_l("Resident ID number"), validators=[DataRequired(), IdNumber()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=20)])
    township = SelectField(_l("Township where it happened"), validators=[DataRequired()])
    home_region = SelectField(_l("Home place"), default=OUTSIDE_CITY)
    home_place = StringField(_l("Home place outside the city"), validators=[Optional(), Length(max=200)])
    incident_place = StringField(_l("Where it happened"), validators=[Optional(), Length(max=200)])
    incident = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=500)])
    area = SelectField(_l("Urban or rural"), choices=list(choices.CHOICES["area"]), default="urban")
    residency = SelectField(_l("Residency"), choices=list(choices.CHOICES["residency"]), default="none")

    #: the order the screen shows: the person first, then the emergency
    PERSON = ("name", "id_number", "phone", "township", "home_region", "home_place", "incident_place", "incident",
              "area", "residency")


def fill_choices(form: PassingForm, session, user) -> None:
    form.township.choices = [(str(r.id), f"{r.parent.name} · {r.name}") for r in townships_in_scope(session, user)]
    city = session.scalars(select(Region).where(Region.level.in_(("county", "township")))
                           .order_by(Region.code)).all()
    form.home_region.choices = [(OUTSIDE_CITY, str(_l("Outside the city (write it below)")))] + [
        (str(r.id), r.name if r.level == "county" else f"{r.parent.name} · {r.name}") for r in city]


def person_from_form(form: PassingForm, session) -> Person:
    township = session.get(Region, int(form.township.data)) if form.township.data else None
    home = session.get(Region, int(form.home_region.data)) if form.home_region.data else None
    return Person(name=form.name.data, id_number=form.id_number.data, phone=form.phone.data, township=township,
                  home_region=home, home_place=form.home_place.data, incident_place=form.incident_place.data,
                  incident=form.incident.data, area=form.area.data, residency=form.residency.data)

