"""急难发生地实施救助 (2026 opinion 二): emergency aid by the county where the hardship happens, also for a
person only passing through (临时遇困人员) — whatever their hukou or residence permit.

The person is recorded as a one-person household of the township where it happened, marked
``passing_through``, with their home place: a region of the city (its county then sees that the case
exists, :func:`app.security.scope.home_county_clause`) or free text for a place outside the city. The
case belongs to the county where it happened; the engine judges it with that county's rules. A person
helped again reuses their record, moved to where they are now.

A person who already has a household of their own in another county of the city (``household.id_number``
is unique city-wide) is helped on a case that points to that household: it is neither moved nor
duplicated, the case belongs to the township where it happened, and the home county sees it in its list of
its people helped elsewhere, as it sees every person passing through. The engine judges them as it judges
anyone passing through (one person, the residency given here, the helping county's rules), so its
residency answer is the same whether or not they have a household at home. Someone whose household lies
in the helping county itself is not passing through: their application is taken in on that household.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.idnumber import is_valid, normalise
from app.models import Case, Household, Region
from app.names import name_problem
from app.rules import RuleSet
from app.services.audit import acting
from app.services.intake import IntakeRefused, intake, preview
from app.services.townships import township_in_scope

AREAS = ("urban", "rural")
RESIDENCIES = ("local_hukou", "residence_permit", "none")


@dataclass(frozen=True)
class Person:
    """Who is in hardship and where it happened (from the form or the API body)."""

    name: str
    id_number: str
    phone: str | None
    township: Region | None  # where it happened
    home_region: Region | None  # a county or township of the city
    home_place: str | None  # free text: a place outside the city
    incident_place: str | None
    incident: str | None
    area: str = "urban"
    residency: str = "none"


def person_from_body(session: Session, body: dict) -> Person:
    """A :class:`Person` from the API's JSON: regions by their codes (config/regions.csv)."""
    def region(code) -> Region | None:
        if code in (None, ""):
            return None
        found = session.scalar(select(Region).where(Region.code == str(code)))
        if found is None:
            raise IntakeRefused("region_unknown", f"no region with code {code}")
        return found

    text = {key: body.get(key) if isinstance(body.get(key), str) else None
            for key in ("name", "id_number", "phone", "home_place", "incident_place", "incident")}
    return Person(**text, township=region(body.get("township")), home_region=region(body.get("home_region")),
                  area=str(body.get("area") or "urban"), residency=str(body.get("residency") or "none"))


def _checked(person: Person, user) -> Person:
    if name_problem(person.name):
        raise IntakeRefused("field_required:name", "the person's name is required, in visible characters")
    if not is_valid((person.id_number or "").strip().upper()):
        raise IntakeRefused("id_number_invalid", "not a valid resident ID number")
    if not township_in_scope(person.township, user):
        raise IntakeRefused("scope", "choose the township where it happened, in your jurisdiction")
    if (person.home_region is None) == (not (person.home_place or "").strip()):
        raise IntakeRefused("home_place", "give the home place: a region of the city or, outside the city, in words")
    if person.home_region is not None and person.home_region.level not in ("county", "township"):
        raise IntakeRefused("home_place", "the home place is a county or a township of the city")
    if not (person.incident or "").strip():
        raise IntakeRefused("field_required:incident", "say what happened")
    if person.area not in AREAS or person.residency not in RESIDENCIES:
        raise IntakeRefused("input", "unknown area or residency")
    return person


def _found(session: Session, person: Person) -> Household | None:
    """The household recorded under the person's ID number, city-wide: their own, or their earlier record
    of passing through."""
    return session.scalar(select(Household).where(Household.id_number == normalise(person.id_number)))


def _record(session: Session, person: Person, household: Household | None) -> Household:
    """The person's record of passing through: found again and moved to where it happened now, or new."""
    id_number = normalise(person.id_number)
    if household is None:
        household = Household(id_number=id_number, size=1, passing_through=True)
    with session.no_autoflush:  # the record is complete before anything of it is written
        household.head_name = person.name.strip()[:64]
        household.phone = (person.phone or "").strip()[:20] or None
        household.township = person.township
        household.area, household.residency = person.area, person.residency
        household.home_region = person.home_region
        household.home_place = None if person.home_region is not None else person.home_place.strip()[:200]
    session.add(household)
    return household


def _emergency(figures: dict) -> dict:
    if figures.get("kind") != "emergency":
        raise IntakeRefused("kind", "a person passing through is helped with emergency aid")
    return figures


def _as_passing(person: Person) -> Household:
    """The person as the engine judges anyone passing through: one person, where it happened, the residency
    given here, none of a household's statuses. Never saved."""
    return Household(id_number=person.id_number, head_name=person.name, size=1, passing_through=True,
                     township=person.township, area=person.area, residency=person.residency,
                     dibao=False, tekun=False, dibao_edge=False, rigid_expense=False)


def _own_household_elsewhere(household: Household | None, person: Person) -> Household | None:
    """The person's own household when they have one in the city (None: they are recorded as passing
    through); refused when it lies in the county where it happened — they are not passing through."""
    if household is None or household.passing_through:
        return None
    if household.county_id == person.township.parent_id:
        raise IntakeRefused("has_household", "this person has a household of their own in this county: "
                                             "take the application in on that household")
    return household


def preview_passing(session: Session, person: Person, figures: dict, user, rules: RuleSet) -> dict:
    """The verdict the person would get, saving nothing (the same with or without a household at home)."""
    _checked(person, user)
    _own_household_elsewhere(_found(session, person), person)
    return preview(_as_passing(person), _emergency(figures), rules)


def intake_passing(session: Session, person: Person, figures: dict, user, rules: RuleSet) -> Case:
    """Take in an emergency of a person passing through: their record, then the case, in one transaction;
    for a person with a household in another county of the city, a case pointing to that household."""
    _checked(person, user)
    incident = {"incident_place": (person.incident_place or "").strip()[:200] or None,
                "incident": person.incident.strip()[:500]}
    found = _found(session, person)
    own = _own_household_elsewhere(found, person)
    if own is not None:
        with session.no_autoflush:  # the probe is never added, and nothing of it is written
            return intake(session, own, _emergency(figures), user, rules, incident=incident,
                          helped_in=person.township, judged_as=_as_passing(person))
    household = _record(session, person, found)
    with acting(session, user.id, "intake"):
        session.flush()
    return intake(session, household, _emergency(figures), user, rules, incident=incident)
