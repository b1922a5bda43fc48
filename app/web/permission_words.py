"""Flask-AppBuilder's permissions in words (``can_export`` on ``HouseholdView`` → 导出 · 救助家庭), for the
administrator's role pages: what a role may do, never the code names FAB stores.

The action is worded from :data:`ACTIONS`; the screen by the title it carries on the menu (its
``list_title``, or a menu entry's own name, both translated), an API by the screen of the same model with
"(API)", FAB's own pages from :data:`PAGES`. What no table names is worded generally rather than shown raw.
"""
from __future__ import annotations

from flask import g
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "can_list": _l("List"), "can_show": _l("View"), "can_add": _l("Add"), "can_edit": _l("Edit"),
    "can_delete": _l("Delete"), "can_export": _l("Export"), "menu_access": _l("Menu entry"),
    "can_get": _l("Look up"), "can_post": _l("Create or submit"), "can_put": _l("Change"),
    "can_info": _l("Field descriptions"), "can_this_form_get": _l("Open the form"),
    "can_this_form_post": _l("Submit the form"), "can_userinfo": _l("Own details"),
    "can_download": _l("Download"), "resetmypassword": _l("Reset own password"),
    "resetpasswords": _l("Reset passwords"), "userinfoedit": _l("Edit own details"), "copyrole": _l("Copy roles"),
    "can_chart": _l("Charts"), "can_intake": _l("Take in applications"), "can_transition": _l("Take case steps"),
    "can_deliver": _l("Record deliveries"), "can_password": _l("Change own password"),
    "can_refer": _l("Refer to charities"), "can_claim": _l("Claim referrals"), "can_aid": _l("Record charity aid"),
    "can_pay": _l("Record payments"), "can_batch": _l("Make bank batches"), "can_allocate": _l("Allocate funds"),
    "can_record": _l("Record"), "can_triage": _l("Triage leads"), "can_report": _l("Report leads"),
    "can_mine": _l("My reports"),
}
#: FAB's and the app's pages that carry no list title
PAGES = {
    "HomeView": _l("Home page"), "UtilView": _l("Language switch"), "LocaleView": _l("Language switch"),
    "SecurityApi": _l("Sign-in (API)"), "AuthDBView": _l("Sign-in"), "OpenApi": _l("API description"),
    "SwaggerView": _l("API description"), "MenuApi": _l("Menu (API)"), "UserInfoEditView": _l("Own details"),
    "ResetPasswordView": _l("Password reset"), "ResetMyPasswordView": _l("Own password"),
    "PublicApi": _l("Public pages (API)"), "EligibilityApi": _l("Eligibility check (API)"),
    "AccountView": _l("My account"), "NotificationView": _l("My notifications"),
    "AccountabilityView": _l("Accountability"), "LeadPhotoView": _l("Lead photos"),
}
#: APIs whose screen is not named after them
API_SCREENS = {"LeadApi": "LeadInboxView"}
OTHER_ACTION = _l("Other action")
OTHER_PAGE = _l("Other page")


def _titles(appbuilder) -> dict[str, str]:
    """Each registered view's class name → its title in the reader's language: the menu entry that opens
    it, else its list title."""
    found = {}
    for view in appbuilder.baseviews:
        title = getattr(view, "list_title", None)
        if title and not str(title).startswith("List "):  # FAB's made-up "List <Class>" is no title
            found[type(view).__name__] = str(title)

    def walk(items):
        for item in items:
            words = str(item.label) if item.label else gettext(item.name) if item.name else ""
            if item.baseview is not None and words:
                found[type(item.baseview).__name__] = words
            if item.name and words:  # a menu entry's or category's own menu_access permission
                found.setdefault(item.name, words)
            walk(item.childs or [])

    walk(appbuilder.menu.get_list())
    return found


def page_words(name: str, titles: dict[str, str]) -> str:
    if name in PAGES:
        return str(PAGES[name])
    if name in titles:
        return titles[name]
    screen = API_SCREENS.get(name, f"{name[:-3]}View")
    if name.endswith("Api") and screen in titles:
        return str(_l("%(page)s (API)", page=titles[screen]))
    if not name.isidentifier():  # a menu entry: its name is the English msgid
        return gettext(name)
    return str(OTHER_PAGE)


def permission_words(permission_view, titles: dict[str, str]) -> tuple[str, str]:
    """One FAB permission-on-view as (page, action) in the reader's language."""
    action = ACTIONS.get(permission_view.permission.name, OTHER_ACTION)
    return page_words(permission_view.view_menu.name, titles), str(action)


def permissions_text(permission_views, appbuilder) -> str:
    """A role's permissions by page, each page with what the role may do there
    (``救助家庭：列表、查看、导出；…``), pages in order."""
    titles = _titles(appbuilder)
    by_page: dict[str, list[str]] = {}
    for page, action in (permission_words(pv, titles) for pv in permission_views or ()):
        if action not in by_page.setdefault(page, []):
            by_page[page].append(action)
    colon, comma, semicolon = str(_l(": ")), str(_l(", ")), str(_l("; "))
    return semicolon.join(f"{page}{colon}{comma.join(actions)}" for page, actions in sorted(by_page.items()))


def permission_choice(permission_view, appbuilder) -> str:
    """One permission as the role form offers it, page then action (``救助家庭 · 导出``); the pages' titles
    are worked out once a request, however many choices the form lists."""
    titles = g.get("_permission_titles")
    if titles is None:
        titles = g._permission_titles = _titles(appbuilder)
    page, action = permission_words(permission_view, titles)
    return f"{page} · {action}"
