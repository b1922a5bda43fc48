"""What the lead screens and the public pages say: field problems, severities, states and outcomes, in the
user's language (the service speaks in codes)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SEVERITIES = {"urgent": _l("Urgent: help is needed today"), "ordinary": _l("Not urgent")}
STATES = {"new": _l("Waiting for the township"), "accepted": _l("Taken in as a case"),
          "merged": _l("Added to a case already open"), "closed": _l("Closed")}
SOURCES = {"grid_worker": _l("Grid worker"), "public": _l("Online report")}
PROBLEMS = {
    "required": _l("Please fill this in."),
    "too_long": _l("This is too long."),
    "unknown": _l("Please choose one of the offered values."),
    "invalid": _l("This is not a phone number."),
    "scope": _l("This township is not one you cover."),
    "blank": _l("Please write a name."),
    "invisible": _l("The name contains invisible characters; please type it again."),
    "no_clock": _l("The county's rules give no response time for this; please call the township."),
    "born_later": _l("The ID number's birth date lies in the future."),
    "shape": _l("An ID number has 17 digits and a last digit or X."),
    "check_digit": _l("The ID number's last character does not fit: please check it."),
    "birth_date": _l("The ID number holds no real birth date."),
    "too_large": _l("The photo is too large (at most 450 KB each)."),
    "not_an_image": _l("This is not a JPEG, PNG or WebP photo."),
    "too_many": _l("At most two photos."),
    "case_closed": _l("That case is closed already."),
    "registered": _l("A household with this ID number is registered already."),
    "whole": _l("A whole number, at least 1."),
    "captcha": _l("The characters do not match the picture; please try again."),
    "honeypot": _l("The form could not be sent."),
}
REFUSALS = {"scope": _l("This lead is not in your jurisdiction."),
            "not_open": _l("This lead has been handled already."),
            "household_required": _l("Register the household first.")}


def problem_text(code: str) -> str:
    return str(PROBLEMS.get(code, PROBLEMS["unknown"]))


def problems_text(problems: dict[str, str]) -> dict[str, str]:
    return {field: problem_text(code) for field, code in problems.items()}
