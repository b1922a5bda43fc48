"""Flask-AppBuilder's security manager with tempaid's user model, login audit and lock-out."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from flask import current_app, g, has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.fields import QuerySelectMultipleField
from flask_appbuilder.fieldwidgets import Select2ManyWidget
from flask_appbuilder.security.utils import is_null_password
from werkzeug.security import check_password_hash
from flask_appbuilder.security.views import (PermissionModelView, PermissionViewModelView, RoleModelView,
                                             UserDBModelView, ViewMenuModelView)
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.validators import DataRequired

from app.models.audit import LoginEvent, utcnow
from app.models.user import TempaidUser
from app.security import permission_cache, sessions
from app.security.user_stats import UserStatsChartView
from app.web.validators import PersonName


class TempaidUserDBModelView(UserDBModelView):
    """User administration with the region each user works in (and the charity, for charity staff)."""

    list_columns = ["username", "first_name", "last_name", "region", "charity", "active", "roles"]
    add_columns = [
        "first_name", "last_name", "username", "active", "email", "region", "charity", "roles",
        "password", "conf_password",
    ]
    edit_columns = ["first_name", "last_name", "username", "active", "email", "region", "charity", "roles"]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles", "region"]
    label_columns = {**UserDBModelView.label_columns, "region": _l("Region"), "charity": _l("Charity")}
    # FAB's own roles check reads a "groups" field this form does not have (a 500 when no role is chosen)
    validators_columns = {"roles": [DataRequired(message=_l("Choose at least one role"))],
                          "first_name": [PersonName()], "last_name": [PersonName()]}
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "active", "roles", "region", "charity", "login_count"]}),
        *UserDBModelView.show_fieldsets[1:],
    ]
    # the roles by their names in roles.yaml, a yes/no in words, an empty charity blank (never None, True)
    formatters_columns = {
        "roles": lambda roles: "、".join(_role_names(roles)),
        "active": lambda value: str(_l("Yes") if value else _l("No")),
        "charity": lambda value: "" if value is None else str(value),
        "login_count": lambda value: value or 0, "fail_login_count": lambda value: value or 0,
        "last_login": lambda value: _local_time(value), "created_on": lambda value: _local_time(value),
        "changed_on": lambda value: _local_time(value),
        "created_by": lambda value: "" if value is None else str(value),
        "changed_by": lambda value: "" if value is None else str(value),
    }


class TempaidRoleModelView(RoleModelView):
    """The administrator's role pages (系统管理 → 角色): each role by its name in roles.yaml and what it may
    do in words, page by page (救助家庭：列表、查看、导出), never FAB's ``can export on HouseholdView``.
    FAB's own role widgets print the raw values; the ordinary ones apply the formatters."""

    list_widget = ListWidget
    show_widget = ShowWidget
    formatters_columns = {
        "name": lambda name: _role_names([SimpleNamespace(name=name)])[0],
        "permissions": lambda permissions: _permissions_text(permissions),
    }
    #: a role's name is its key in config/roles.yaml (the sync finds it by that name): named in words in the
    #: edit page's title, and given only when a role is added
    add_columns = ["name", "permissions"]
    edit_columns = ["permissions"]
    #: the form's permissions in words too, sorted by page (FAB's choices read ``can list on CaseView``)
    add_form_extra_fields = edit_form_extra_fields = {
        "permissions": QuerySelectMultipleField(
            RoleModelView.label_columns["permissions"], query_func=lambda: _permission_choices(),
            get_pk_func=lambda permission_view: permission_view.id,
            get_label=lambda permission_view: _permission_choice(permission_view), widget=Select2ManyWidget()),
    }

    def render_template(self, template, **kwargs):
        if template == self.edit_template:
            kwargs = _role_edit_title(self, kwargs)
        return super().render_template(template, **kwargs)


class TempaidPermissionModelView(PermissionModelView):
    """FAB's list of permission names (系统管理 → 权限), each in words (导出, 办理环节), not ``can_export``."""

    formatters_columns = {"name": lambda name: _words("action", name)}


class TempaidViewMenuModelView(ViewMenuModelView):
    """FAB's list of pages and menu entries, each by its title, not its class name."""

    formatters_columns = {"name": lambda name: _words("page", name)}


class TempaidPermissionViewModelView(PermissionViewModelView):
    """FAB's permissions on pages, as action and page in words."""

    formatters_columns = {"permission": lambda permission: _words("action", permission.name),
                          "view_menu": lambda view_menu: _words("page", view_menu.name)}


def _words(kind: str, name: str) -> str:
    from app.web.permission_words import ACTIONS, OTHER_ACTION, _titles, page_words

    if kind == "action":
        return str(ACTIONS.get(name, OTHER_ACTION))
    return page_words(name, _titles(current_app.appbuilder))


def _role_edit_title(view, kwargs: dict) -> dict:
    """The role edit page's title with the role's name in words (``编辑角色：乡镇经办人员``)."""
    pk = (request.view_args or {}).get("pk")
    role = view.datamodel.get(pk) if pk is not None else None
    if role is not None:
        kwargs["title"] = str(_l("Edit role: %(name)s", name=_role_names([role])[0]))
    return kwargs


def _permission_choice(permission_view) -> str:
    from app.web.permission_words import permission_choice

    return permission_choice(permission_view, current_app.appbuilder)


def _permission_choices() -> list:
    sm = current_app.appbuilder.sm
    model = sm.permissionview_model
    query = select(model).options(joinedload(model.permission), joinedload(model.view_menu))
    return sorted(sm.session.scalars(query).unique().all(), key=_permission_choice)


def _permissions_text(permissions) -> str:
    from app.web.permission_words import permissions_text

    return permissions_text(permissions, current_app.appbuilder)


def _local_time(moment) -> str:
    """FAB stamps these in the server's local time, without a zone: shown in China time, minutes."""
    from app.rules.inputs import CST

    return moment.astimezone(CST).strftime("%Y-%m-%d %H:%M") if moment else ""


def _role_names(roles) -> list[str]:
    from types import SimpleNamespace

    from app.web.labels import role_names

    return role_names(SimpleNamespace(roles=list(roles or [])))


class _MenuEntry:
    """What FAB reads of a permission-view row when it builds the menu: ``pvm.view_menu.name``."""

    __slots__ = ("view_menu",)

    def __init__(self, name: str):
        self.view_menu = SimpleNamespace(name=name)


class TempaidSecurityManager(SecurityManager):
    user_model = TempaidUser
    userdbmodelview = TempaidUserDBModelView
    rolemodelview = TempaidRoleModelView
    permissionmodelview = TempaidPermissionModelView
    viewmenumodelview = TempaidViewMenuModelView
    permissionviewmodelview = TempaidPermissionViewModelView
    userstatschartview = UserStatsChartView  # drawn on the server: FAB's loads Google Charts from the internet

    def load_user(self, pk):
        """The user of a session cookie, if that session has not been ended (logout, new password,
        deactivation: :mod:`app.security.sessions`)."""
        user = super().load_user(pk)
        return user if user is not None and sessions.is_current(user) else None

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids: list[int]) -> bool:
        """FAB's one query per check, answered from the request's permissions
        (:mod:`app.security.permission_cache`): the menu and every guarded button cost no query each."""
        known = permission_cache.role_permissions(self.session, role_ids)
        if known is None:
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        return (permission_name, view_name) in known

    def is_item_public(self, permission_name, view_name) -> bool:
        """FAB's public check (on every API call before the token is read), from the request's cache."""
        known = permission_cache.public_permissions(self)
        if known is None:
            return super().is_item_public(permission_name, view_name)
        return (permission_name, view_name) in known

    def find_roles_permission_view_menus(self, permission_name: str, role_ids: list[int]):
        """The menu's entries the roles may open, from the same per-request permissions."""
        known = permission_cache.role_permissions(self.session, role_ids)
        if known is None:
            return super().find_roles_permission_view_menus(permission_name, role_ids)
        return [_MenuEntry(view) for permission, view in known if permission == permission_name]

    def create_jwt_manager(self, app):
        manager = super().create_jwt_manager(app)
        manager.additional_claims_loader(self._token_claims)
        return manager

    def _token_claims(self, identity) -> dict:
        user = self.get_user_by_id(int(identity))
        return sessions.token_claims(user) if user is not None else {}

    def load_user_jwt(self, _jwt_header, jwt_data):
        """A bearer token's user, if the token was issued in the user's current session generation."""
        user = self.get_user_by_id(int(jwt_data["sub"]))
        if user is not None and sessions.token_is_current(user, jwt_data):
            g.user = user
            return user
        return None

    def on_user_logout(self, user) -> None:
        sessions.end_sessions(user)
        self.session.commit()

    def reset_password(self, userid, password):
        """A new password ends the user's other sessions; the one that changed it, if it is theirs,
        goes on."""
        super().reset_password(userid, password)
        from flask import has_request_context

        me = self.current_user if has_request_context() else None  # a CLI or a script resets no session of its own
        if me is not None and str(me.id) == str(userid):  # the reset form passes the id as text
            sessions.remember_generation(self.get_user_by_id(userid))

    def recent_failures(self, account: str) -> int:
        """Wrong passwords for this account within the lock-out window, since its last success.
        Attempts refused because the account was locked do not count, so a lock always ends."""
        window = dt.timedelta(minutes=current_app.config["AUTH_LOCKOUT_MINUTES"])
        since = utcnow() - window
        last_ok = self.session.scalar(
            select(func.max(LoginEvent.at)).where(LoginEvent.username == account, LoginEvent.success)
        )
        if last_ok is not None:
            since = max(since, last_ok if last_ok.tzinfo else last_ok.replace(tzinfo=dt.timezone.utc))
        return self.session.scalar(
            select(func.count()).select_from(LoginEvent).where(
                LoginEvent.username == account, LoginEvent.at > since, LoginEvent.reason == "bad_password",
            )
        )

    def auth_user_db(self, username, password):
        """FAB's check, refused while the account is locked out, and every attempt recorded.

        The password hash (scrypt, about a second on a loaded machine) is checked outside any transaction:
        on SQLite every request's transaction holds the write lock from its first query, and twenty people
        signing in at once queued behind each other's hashing past the busy timeout (issue: "database is
        locked" under ~20 sessions). The attempt is written first, as a wrong password, and the account's
        failures counted again with it, so guesses sent at once cannot all pass the lock-out check; the
        hash is then checked with no transaction open, and a match turns the attempt into the success."""
        if not username or is_null_password(password):
            return None
        # attempts count against the account, whatever spelling or e-mail was typed for it
        known = self.find_user(username=username) or self.find_user(email=username)
        account = known.username.lower() if known is not None else username.lower()[:128]
        if self.recent_failures(account) >= current_app.config["AUTH_LOCKOUT_ATTEMPTS"]:
            self._record_login(account, None, "locked")
            return None
        usable = known is not None and known.is_active
        stored = known.password if usable else current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"]
        # the attempt counts as a wrong password before its hash is checked, and is counted again with
        # the others in flight: twenty guesses sent at once cannot all pass the lock-out check first
        attempt = self._record_login(account, None, "bad_password" if known is not None else "unknown_user")
        if known is not None and self.recent_failures(account) > current_app.config["AUTH_LOCKOUT_ATTEMPTS"]:
            attempt.reason = "locked"
            self.session.commit()
            return None
        self.session.commit()  # no lock is held while the hash is computed
        matches = check_password_hash(stored, password) and usable
        if usable:
            self.update_user_auth_stat(known, matches)
        if not matches:
            return None
        attempt.user_id, attempt.success, attempt.reason = known.id, True, "ok"
        self.session.commit()
        return known

    def _record_login(self, username: str, user_id: int | None, reason: str) -> LoginEvent:
        event = LoginEvent(
            username=username[:128], user_id=user_id, success=reason == "ok", reason=reason,
            remote_addr=request.remote_addr if has_request_context() else None,
        )
        self.session.add(event)
        self.session.commit()
        return event
