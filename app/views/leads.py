"""The grid worker's screens (网格员, 三、(一) 主动发现): report a hardship from a phone, see what became of
each report. And the photos of a lead, served only to whoever may see the lead.

Thin: the report is :func:`app.services.leads.report`; the list is the user's own leads (the scope
``own_reports`` admits nothing else). The report form works offline too (``static/js/lead_queue.js``
keeps it in the browser and sends it when the network returns).
"""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.models import Lead, LeadPhoto
from app.security.scope import scope_clause
from app.web.request_user import current_user
from app.services.leads import LeadInvalid, report
from app.services.rules import current_rules
from app.views.cases import category_label, state_label
from app.web.lead_forms import category_choices, submitted, townships_for
from app.web.lead_labels import SEVERITIES, STATES, problems_text

PAGE = 20


def photo_uploads() -> list[bytes]:
    return [f.read() for f in request.files.getlist("photos") if f and f.filename]


def outcome(lead: Lead) -> str:
    """What became of a lead, for its reporter: never the case's personal data, only its number and state."""
    text = str(STATES[lead.state])
    if lead.case is not None:
        text += f" · {lead.case.number} · {state_label(lead.case.state)}"
    if lead.close_reason:
        text += f" · {lead.close_reason}"
    return text


class GridWorkerView(BaseView):
    route_base = "/leads"
    default_view = "mine"
    base_permissions = ["can_report", "can_list"]

    @expose("/report", methods=["GET", "POST"])
    @has_access
    @permission_name("report")
    def report(self):
        user, session, rules = current_user(), self.appbuilder.session, current_rules()
        townships = townships_for(session, user)
        values, errors = submitted(request.form), {}
        if request.method == "POST":
            try:
                lead = report(session, values, rules, user, photos=photo_uploads(),
                              photo_limits=current_app.config["LEAD_PHOTOS"])
                session.commit()
            except LeadInvalid as invalid:
                session.rollback()
                errors = problems_text(invalid.problems)
            else:
                if request.headers.get("X-Lead-Queue"):  # sent by the offline queue: no page to render
                    return {"number": lead.number}, 201
                flash(str(_l("Report %(number)s sent to the township.", number=lead.number)), "success")
                return redirect(url_for(".mine"))
            if request.headers.get("X-Lead-Queue"):
                return {"errors": errors}, 400
        return self.render_template("tempaid/lead_report.html", title=_l("Report a hardship"), values=values,
                                    errors=errors, townships=townships, severities=SEVERITIES,
                                    categories=category_choices(rules, townships),
                                    photo_limits=current_app.config["LEAD_PHOTOS"])

    @expose("/mine")
    @has_access
    @permission_name("list")
    def mine(self):
        user, session = current_user(), self.appbuilder.session
        page = max(request.args.get("page", 0, type=int), 0)
        where = [scope_clause(Lead, user)]
        count = session.scalar(select(func.count(Lead.id)).where(*where))
        leads = session.scalars(select(Lead).where(*where).options(joinedload(Lead.township), joinedload(Lead.case))
                                .order_by(Lead.reported_at.desc(), Lead.id.desc()).offset(page * PAGE).limit(PAGE)).all()
        return self.render_template("tempaid/lead_mine.html", title=_l("My reports"), leads=leads, count=count,
                                    page=page, pages=(count + PAGE - 1) // PAGE, outcome=outcome,
                                    category_label=category_label)


class LeadPhotoView(BaseView):
    """``/leads/photo/<token>``: a photo, to whoever may see its lead (else 404, as for any row)."""

    route_base = "/leads/photo"
    base_permissions = ["can_show"]

    @expose("/<token>")
    @has_access
    @permission_name("show")
    def show(self, token: str):
        photo = self.appbuilder.session.scalar(select(LeadPhoto).where(
            LeadPhoto.token == token, scope_clause(LeadPhoto, current_user())))
        if photo is None:
            abort(404)
        return Response(photo.data, mimetype=photo.content_type,
                        headers={"Cache-Control": "no-store", "Content-Disposition": "inline"})
