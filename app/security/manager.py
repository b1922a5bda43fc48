"""Flask-AppBuilder's security manager with tempaid's user model, login audit and lock-out."""
from __future__ import annotations

import datetime as dt

from flask import current_app, has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.models.audit import LoginEvent, utcnow
from app.models.user import TempaidUser


class TempaidUserDBModelView(UserDBModelView):
    """User administration with the region each user works in."""

    list_columns = ["username", "first_name", "last_name", "region", "active", "roles"]
    add_columns = [
        "first_name", "last_name", "username", "active", "email", "region", "roles",
        "password", "conf_password",
    ]
    edit_columns = ["first_name", "last_name", "username", "active", "email", "region", "roles"]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles", "region"]
    label_columns = {**UserDBModelView.label_columns, "region": _l("Region")}
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "region", "login_count"]}),
        *UserDBModelView.show_fieldsets[1:],
    ]


class TempaidSecurityManager(SecurityManager):
    user_model = TempaidUser
    userdbmodelview = TempaidUserDBModelView

    def recent_failures(self, username: str) -> int:
        """Failed attempts for this name within the lock-out window, since its last success."""
        window = dt.timedelta(minutes=current_app.config["AUTH_LOCKOUT_MINUTES"])
        since = utcnow() - window
        last_ok = self.session.scalar(
            select(func.max(LoginEvent.at)).where(LoginEvent.username == username, LoginEvent.success)
        )
        if last_ok is not None:
            last_ok = last_ok if last_ok.tzinfo else last_ok.replace(tzinfo=dt.timezone.utc)
            since = max(since, last_ok)
        return self.session.scalar(
            select(func.count()).select_from(LoginEvent).where(
                LoginEvent.username == username, LoginEvent.at > since,
                LoginEvent.success.is_(False),
            )
        )

    def auth_user_db(self, username, password):
        """FAB's check, refused while the name is locked out, and every attempt recorded."""
        if not username:
            return None
        if self.recent_failures(username) >= current_app.config["AUTH_LOCKOUT_ATTEMPTS"]:
            self._record_login(username, None, "locked")
            return None
        user = super().auth_user_db(username, password)
        if user is not None:
            self._record_login(username, user.id, "ok")
        else:
            known = self.find_user(username=username) is not None
            self._record_login(username, None, "bad_password" if known else "unknown_user")
        return user

    def _record_login(self, username: str, user_id: int | None, reason: str) -> None:
        self.session.add(LoginEvent(
            username=username[:128], user_id=user_id, success=reason == "ok", reason=reason,
            remote_addr=request.remote_addr if has_request_context() else None,
        ))
        self.session.commit()
