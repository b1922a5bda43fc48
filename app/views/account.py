"""Every user's own account: their profile (who they are in the system: roles, region, charity, last
login) and changing their own password — never anyone else's.

Why our own screen and not Flask-AppBuilder's "reset my password": that form does not ask for the old
password, so a session left open on an office computer would be enough to take the account over. The
new password is checked against the project's rules (:mod:`app.security.passwords`) and set through the
security manager's ``reset_password``, so whatever else a password change must do (ending the user's
other sessions) happens there, once.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash

from app.rules.inputs import CST
from app.security.passwords import password_faults
from app.web.labels import role_names
from app.web.request_user import current_user


def _when(moment: dt.datetime | None) -> str:
    """FAB stamps the last login in the server's local time, without a zone: shown in China time."""
    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M") if moment else ""


class AccountView(BaseView):
    route_base = "/account"
    default_view = "profile"
    base_permissions = ["can_show", "can_password"]

    @expose("/")
    @has_access
    @permission_name("show")
    def profile(self):
        user = current_user()
        return self.render_template("tempaid/account.html", title=_l("My account"), user=user,
                                    roles=role_names(user), last_login=_when(user.last_login))

    @expose("/password", methods=["GET", "POST"])
    @has_access
    @permission_name("password")
    def password(self):
        """The user's own password: the old one, the new one twice; the rules say what a new one needs."""
        user = current_user()
        faults = []
        if request.method == "POST":
            old, new = request.form.get("old_password", ""), request.form.get("new_password", "")
            if not check_password_hash(user.password or "", old):
                faults.append(str(_l("The current password is not right.")))
            elif new != request.form.get("confirm_password", ""):
                faults.append(str(_l("The two new passwords differ.")))
            elif new == old:
                faults.append(str(_l("The new password must differ from the current one.")))
            else:
                faults = password_faults(new, user.username)
            if not faults:
                self.appbuilder.sm.reset_password(user.id, new)
                flash(str(_l("Your password was changed.")), "success")
                return redirect(url_for(".profile"))
        return self.render_template("tempaid/account_password.html", title=_l("Change my password"),
                                    faults=faults, minimum=current_app.config["PASSWORD_MIN_LENGTH"])
