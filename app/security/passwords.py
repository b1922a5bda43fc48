"""The project's password rules, one place for every door: a user changing their own password, an
administrator setting one (Flask-AppBuilder's forms call :func:`fab_validator` through
``FAB_PASSWORD_COMPLEXITY_VALIDATOR``).

Why these rules: office accounts open personal data of households; a short or guessable password is the
easiest way in. The minimum length is a setting (``PASSWORD_MIN_LENGTH``), not a number in the code.
Messages are in the user's language.
"""
from __future__ import annotations

from flask import current_app
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_babel import lazy_gettext as _l


def password_faults(password: str, username: str | None = None) -> list[str]:
    """What is wrong with ``password`` (empty: it meets the rules)."""
    faults = []
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        faults.append(str(_l("The password needs at least %(count)s characters.", count=minimum)))
    if not any(c.isascii() and c.isalpha() for c in password) or not any(c.isascii() and c.isdigit()
                                                                        for c in password):
        faults.append(str(_l("The password needs letters and digits.")))
    if username and username.lower() in password.lower():
        faults.append(str(_l("The password may not contain the login name.")))
    if password != password.strip() or any(not c.isprintable() for c in password):
        faults.append(str(_l("The password may not begin or end with a space or hold control characters.")))
    return faults


def fab_validator(password: str) -> None:
    """The same rules for Flask-AppBuilder's own password forms."""
    faults = password_faults(password or "")
    if faults:
        raise PasswordComplexityValidationError(" ".join(faults))
