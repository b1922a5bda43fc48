"""Decision documents of a case — the printable page and the PDF — and their delivery (送达).

Thin: the facts come from :mod:`app.services.documents`, the layout from the county's templates
(:mod:`app.documents`), the records from :mod:`app.services.deliveries`. ``/document/<case>/`` lists the
documents the case has, with the deliveries recorded and the forms to record one and its
acknowledgement; ``/document/undelivered`` lists the decisions not delivered in the county's time.
A document is in the user's language unless ``?lang=zh|en`` asks for the other.
"""
from __future__ import annotations

from flask import Response, abort, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.documents import document_html, render_pdf
from app.models import Case, DocumentDelivery
from app.models.audit import utcnow
from app.models.document import DELIVERY_METHODS
from app.rules.inputs import CST
from app.security.headers import csp_nonce
from app.security.scope import in_scope
from app.web.request_user import current_user
from app.services.todo import COUNT_CAP
from app.services.deliveries import DeliveryRefused, acknowledge, deliveries_of, record_delivery, undelivered
from app.services.documents import DECISIONS, DocumentRefused, document_facts
from app.services.rules import current_rules
from app.views.refusals import commit_or_refuse

DOCUMENT_LABELS = {
    "approval": _l("Decision granting temporary assistance"),
    "refusal": _l("Notice of refusal"),
    "pre_assist": _l("Record of pre-assistance"),
    "quick": _l("Record of quick aid"),
    "payment": _l("Payment notice"),
}
METHOD_LABELS = {"in_person": _l("In person, signed for"), "post": _l("By post"), "message": _l("By message")}


def document_label(kind: str, stage: int | None = None) -> str:
    label = str(DOCUMENT_LABELS.get(kind, ""))
    return str(_l("%(label)s, stage %(stage)s", label=label, stage=stage)) if stage else label


def delivery_method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, ""))


def _lang() -> str:
    asked = request.args.get("lang")
    if asked in ("zh", "en"):
        return asked
    return "zh" if str(get_locale()).startswith("zh") else "en"


def _documents_of(session, case: Case, user, rules) -> list[tuple[str, int | None]]:
    """``(kind, stage)`` of every document the case has now (a payment notice per standing stage)."""
    out = []
    for kind in ("approval", "refusal", "pre_assist", "quick"):
        try:
            document_facts(session, case, kind, user, rules)
            out.append((kind, None))
        except DocumentRefused:
            pass
    from app.services.payments import payments_of

    out += [("payment", p.stage) for p in payments_of(session, case.id) if p.reverses_id is None]
    return out


class DocumentView(BaseView):
    route_base = "/document"
    default_view = "undelivered_list"
    base_permissions = ["can_list", "can_show", "can_deliver"]

    def _case(self, case_id: int) -> Case:
        case = self.appbuilder.session.get(Case, case_id)
        if case is None or not in_scope(case, current_user()):
            abort(404)
        return case

    def _html(self, case: Case, kind: str, nonce: str | None) -> str:
        stage = request.args.get("stage", type=int)
        try:
            facts = document_facts(self.appbuilder.session, case, kind, current_user(), current_rules(), stage=stage)
        except DocumentRefused:
            abort(404)
        return document_html(facts, current_rules(), self.appbuilder.app.config["DOCUMENTS_DIR"], _lang(), nonce)

    @expose("/<int:case_id>/", methods=["GET"])
    @has_access
    @permission_name("show")
    def case_documents(self, case_id):
        case = self._case(case_id)
        session, user = self.appbuilder.session, current_user()
        return self.render_template(
            "tempaid/documents.html", title=str(_l("Documents and delivery of case %(number)s", number=case.number)),
            case=case, documents=_documents_of(session, case, user, current_rules()),
            deliveries=deliveries_of(session, case), methods=DELIVERY_METHODS, document_label=document_label,
            method_label=delivery_method_label, today=utcnow().astimezone(CST).date().isoformat(),
            may_deliver=self.appbuilder.sm.has_access("can_deliver", "DocumentView"), decisions=DECISIONS)

    @expose("/<int:case_id>/<kind>", methods=["GET"])
    @has_access
    @permission_name("show")
    def page(self, case_id, kind):
        """The document as a page to print (its own layout, no menu)."""
        return self._html(self._case(case_id), kind, csp_nonce())

    @expose("/<int:case_id>/<kind>/pdf", methods=["GET"])
    @has_access
    @permission_name("show")
    def pdf(self, case_id, kind):
        case = self._case(case_id)
        data = render_pdf(self._html(case, kind, None), self.appbuilder.app.config["DOCUMENTS_DIR"])
        stage = request.args.get("stage", type=int)
        name = f"{case.number}-{kind}{f'-{stage}' if stage else ''}.pdf"
        return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f"inline; filename={name}"})

    def _done(self, case_id, action, message):
        return commit_or_refuse(self.appbuilder.session, action, message, DeliveryRefused,
                                url_for("DocumentView.case_documents", case_id=case_id))

    @expose("/<int:case_id>/deliver", methods=["POST"])
    @has_access
    @permission_name("deliver")
    def deliver(self, case_id):
        case, form = self._case(case_id), request.form
        document, _, stage = form.get("document", "").partition(":")
        return self._done(case_id, lambda: record_delivery(
            self.appbuilder.session, case, current_user(), document, form.get("method", ""),
            form.get("delivered_on", ""), form.get("recipient", ""), signed=form.get("signed") == "1",
            reference=form.get("reference"), stage=int(stage) if stage.isdigit() else None),
            _l("The delivery was recorded."))

    @expose("/<int:case_id>/acknowledge/<int:delivery_id>", methods=["POST"])
    @has_access
    @permission_name("deliver")
    def acknowledge(self, case_id, delivery_id):
        case = self._case(case_id)
        delivery = self.appbuilder.session.get(DocumentDelivery, delivery_id)
        if delivery is None or delivery.case_id != case.id:
            abort(404)
        return self._done(case_id, lambda: acknowledge(
            self.appbuilder.session, delivery, current_user(), request.form.get("acknowledged_on", ""),
            request.form.get("acknowledgement")), _l("The acknowledgement was recorded."))

    @expose("/undelivered", methods=["GET"])
    @has_access
    @permission_name("list")
    def undelivered_list(self):
        """Decisions not delivered within the county's ``documents.delivery_days``, oldest first."""
        count, cases = undelivered(self.appbuilder.session, current_user(), current_rules(), count_cap=COUNT_CAP)
        return self.render_template("tempaid/undelivered.html", title=str(_l("Decisions not delivered")),
                                    count=min(count, COUNT_CAP), more=count > COUNT_CAP, cases=cases)
