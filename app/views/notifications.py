"""Each user's notifications (the overdue reminders): their own only, unread first, with the unread count
in the navigation bar on every page.

A page of our own rather than a ModelView: a notification is opened by a button (a POST, with the CSRF
token) that marks it read and goes to the case — a link that changed state on GET could be followed by
any page the user visits.
"""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l

from app.models.audit import utcnow
from app.web.request_user import current_user
from app.services import reminders
from app.web.reminder_text import reminder_line

PAGE_SIZE = 50


class NotificationView(BaseView):
    route_base = "/notifications"
    default_view = "index"
    base_permissions = ["can_list"]

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        page = request.args.get("page", "0")
        page = int(page) if page.isdigit() and len(page) < 7 else 0
        total, notes = reminders.of_user(self.appbuilder.session, current_user(), page, PAGE_SIZE)
        return self.render_template("tempaid/notifications.html", title=_l("My notifications"), notes=notes,
                                    line=reminder_line, total=total, page=page,
                                    pages=(total + PAGE_SIZE - 1) // PAGE_SIZE)

    @expose("/open/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("list")
    def open(self, pk):
        session = self.appbuilder.session
        note = reminders.mark_read(session, current_user(), pk, utcnow())
        if note is None:
            abort(404)
        session.commit()
        return redirect(url_for("CaseView.show", pk=note.case_id))

    @expose("/read_all", methods=["POST"])
    @has_access
    @permission_name("list")
    def read_all(self):
        session = self.appbuilder.session
        reminders.mark_all_read(session, current_user(), utcnow())
        session.commit()
        return redirect(url_for(".index"))


def unread_for_navbar() -> dict:
    """Template context: the signed-in user's unread count (one indexed count per page)."""
    from flask import current_app
    from flask_login import current_user as login_user

    if not getattr(login_user, "is_authenticated", False):
        return {"unread_notifications": 0}
    return {"unread_notifications": reminders.unread_count(current_app.appbuilder.session, login_user)}
