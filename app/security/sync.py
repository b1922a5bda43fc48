"""Write the declared roles into Flask-AppBuilder's tables (start-up and ``tempaid roles sync``).

The YAML is the truth: a role's permissions are set to exactly what it declares (plus the menu entries
of the screens it may list), so removing a line from the file removes the access.
"""
from __future__ import annotations

from flask import current_app
from flask_appbuilder.security.manager import BaseSecurityManager

from app.security.roles import RoleSpec, RolesInvalid, load_roles
from app.web.menu import MENU_OF_VIEW


def sync_security(roles: dict[str, RoleSpec] | None = None) -> dict[str, int]:
    """Create permissions for every registered view, then each declared role; return counts per role."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    roles = roles if roles is not None else load_roles()
    BaseSecurityManager.create_db(sm)  # the Admin and Public roles
    appbuilder.add_permissions(update_perms=True)
    counts: dict[str, int] = {}
    unknown = [f"{spec.where.get(view, 'roles.yaml')}: roles.{spec.key}.permissions.{view}: found {name}, "
               "expected a permission of a registered screen or API"
               for spec in roles.values() for view, names in spec.permissions.items() for name in names
               if sm.find_permission_view_menu(name, view) is None]
    if unknown:
        raise RolesInvalid(unknown)
    declared = set(roles) | {sm.auth_role_admin, sm.auth_role_public}
    for role in sm.get_all_roles():
        if role.name not in declared:  # removed from the file: its access goes with it
            role.permissions = []
    for spec in roles.values():
        role = sm.find_role(spec.key) or sm.add_role(spec.key)
        wanted = []
        for view, names in spec.permissions.items():
            wanted.extend(sm.find_permission_view_menu(name, view) for name in names)
            menu = MENU_OF_VIEW.get(view)
            if menu and ({"can_list", "can_intake", "can_show"} & set(names)):  # can_show: the dashboard
                for menu_name in menu:
                    pv = sm.find_permission_view_menu("menu_access", menu_name)
                    if pv is not None:
                        wanted.append(pv)
        role.permissions = list(dict.fromkeys(wanted))
        counts[spec.key] = len(role.permissions)
    sm.session.commit()
    return counts
