"""Referral screens (转介, 二、(五)): the caseworker refers a case; charity staff see the pool their
projects fit, claim, record aid and close; everybody with the case sees government and charity aid
together. Every action is a POST to a service; the household's personal data stay masked for charity
staff until their charity has claimed the referral.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.sqla.filters import FilterInFunction
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import AidRecord, Case, CharityProject, Referral
from app.models.referral import AID_KINDS, POOL_STATES
from app.security.scope import scope_clause, user_scope
from app.web.jurisdiction import TOWNSHIPS_IN_SCOPE
from app.web.request_user import current_user
from app.services.case_aid import case_aid
from app.services.matching import projects_for
from app.services.referrals import ReferralRefused, claim, close, record_aid, refer, release, withdraw
from app.views.base import ScopedInterface, ScopedModelView
from app.views.cases import category_label
from app.views.cases import state_label as case_state_label
from app.views.masked import MaskingInterface
from app.views.refusals import commit_or_refuse, refusal_text
from app.web.timefmt import china_time

#: the household's personal data a referral shows, masked until the viewer's charity claims it
HOUSEHOLD_PERSONAL = {"household.head_name": "name", "household.id_number": "id_number",
                      "household.phone": "phone", "household.address": "address"}
STATE_LABELS = {"open": _l("Open"), "claimed": _l("Claimed"), "closed": _l("Closed"),
                "returned": _l("Returned to the pool")}
KIND_LABELS = {"money": _l("Money"), "goods": _l("Goods"), "services": _l("Services")}
FIT_LABELS = {"category": _l("Exact category"), "kind": _l("Whole kind"), "any": _l("Every category"),
              "township": _l("Township"), "county": _l("County"), "city": _l("City")}
from app.web.labels import REFERRAL_LABELS, AID_LABELS  # noqa: F401 (shared with the API)


def state_label(state: str | None) -> str:
    return str(STATE_LABELS.get(state, state or ""))


def kind_label(kind: str | None) -> str:
    return str(KIND_LABELS.get(kind, kind or ""))


def fit_label(fit: str) -> str:
    return str(FIT_LABELS.get(fit, fit))


def _blank(value):
    """Nothing rather than ``None`` for an empty field."""
    return "" if value is None else value


def _time(value) -> str:
    return china_time(value)


class ReferralView(ScopedModelView):
    datamodel = MaskingInterface(Referral, HOUSEHOLD_PERSONAL)
    base_permissions = ["can_list", "can_show", "can_refer", "can_claim", "can_aid"]
    list_title = _l("Referrals")
    show_title = _l("Referral")
    show_template = "tempaid/referral_show.html"
    list_columns = ["id", "case", "household.head_name", "township", "category", "gap_money", "state",
                    "claimed_by_charity", "referred_at"]
    show_columns = ["id", "case", "household.head_name", "household.id_number", "household.phone",
                    "household.address", "county", "township", "category", "need", "gap_money", "gap_goods",
                    "gap_services", "state", "referred_by", "referred_at", "claimed_by_charity", "claimed_by",
                    "claimed_at", "aided_at", "closed_at", "note"]
    search_columns = ["state", "category", "township", "referred_at"]
    search_form_query_rel_fields = {"township": TOWNSHIPS_IN_SCOPE}
    order_columns = ["id", "referred_at", "gap_money", "claimed_at"]
    base_order = ("referred_at", "desc")
    label_columns = REFERRAL_LABELS
    formatters_columns = {"state": state_label, "category": category_label, "referred_at": _time,
                          "claimed_at": _time, "aided_at": _time, "closed_at": _time,
                          **{column: _blank for column in ("gap_money", "gap_goods", "gap_services", "note",
                                                           "claimed_by_charity", "claimed_by")}}

    def _referral_or_404(self, pk) -> Referral:
        referral = self.datamodel.get(pk, self._base_filters)
        if referral is None:
            abort(404)
        return referral

    def _may(self, permission: str) -> bool:
        return self.appbuilder.sm.has_access(f"can_{permission}", "ReferralView")

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        referral = self._referral_or_404(pk)
        user = current_user()
        session = self.datamodel.session
        charity_id = user.charity_id if user_scope(user) == "charity" else None
        mine = charity_id is not None and referral.claimed_by_charity_id == charity_id
        overview = case_aid(session, referral.case) if charity_id is None or mine else None
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=self._show(pk), related_views=[],
            referral=referral, matches=projects_for(session, referral, charity_id), overview=overview,
            records=session.scalars(select(AidRecord).where(AidRecord.referral_id == referral.id)
                                    .order_by(AidRecord.id)).all() if charity_id is None or mine else [],
            may_claim=self._may("claim") and referral.state in POOL_STATES,
            may_aid=self._may("aid") and mine and referral.state == "claimed",
            may_withdraw=self._may("refer") and referral.state in POOL_STATES and charity_id is None,
            kinds=[(k, kind_label(k)) for k in AID_KINDS], state_label=state_label, kind_label=kind_label,
            category_label=category_label, case_state_label=case_state_label, fit_label=fit_label)

    def _act(self, pk, action, done):
        """Run one service action on the referral, commit, and come back to its page with the outcome."""
        referral = self._referral_or_404(pk)
        session = self.datamodel.session
        return commit_or_refuse(session, lambda: action(session, referral), done, ReferralRefused,
                                url_for(".show", pk=pk))

    @expose("/claim/<pk>", methods=["POST"])
    @has_access
    @permission_name("claim")
    def claim(self, pk):
        return self._act(pk, lambda s, r: claim(s, r, current_user()), _l("Claimed for your charity."))

    @expose("/release/<pk>", methods=["POST"])
    @has_access
    @permission_name("claim")
    def release(self, pk):
        return self._act(pk, lambda s, r: release(s, r, current_user(), request.form.get("note")),
                         _l("Returned to the pool."))

    @expose("/aid/<pk>", methods=["POST"])
    @has_access
    @permission_name("aid")
    def aid(self, pk):
        form = request.form
        project = self.datamodel.session.get(CharityProject, form.get("project_id", type=int) or 0)
        return self._act(pk, lambda s, r: record_aid(s, r, current_user(), project, form.get("kind", ""),
                                                     form.get("amount", ""), form.get("description")),
                         _l("The aid was recorded."))

    @expose("/close/<pk>", methods=["POST"])
    @has_access
    @permission_name("aid")
    def close(self, pk):
        return self._act(pk, lambda s, r: close(s, r, current_user(), request.form.get("note")),
                         _l("The referral was closed."))

    @expose("/withdraw/<pk>", methods=["POST"])
    @has_access
    @permission_name("refer")
    def withdraw(self, pk):
        return self._act(pk, lambda s, r: withdraw(s, r, current_user(), request.form.get("note", "")),
                         _l("The referral was withdrawn."))

    def _case_or_404(self, case_id) -> Case:
        case = self.datamodel.session.scalar(select(Case).where(Case.id == case_id,
                                                                scope_clause(Case, current_user())))
        if case is None:
            abort(404)
        return case

    @expose("/refer/", methods=["GET"])
    @has_access
    @permission_name("refer")
    def find_case(self):
        """Find the case to refer by its number."""
        number = request.args.get("number", "").strip()
        if number:
            case_id = self.datamodel.session.scalar(select(Case.id).where(
                Case.number == number, scope_clause(Case, current_user())))
            if case_id is not None:
                return redirect(url_for(".refer", case_id=case_id))
            flash(str(_l("No case with this number in your jurisdiction.")), "warning")
        return self.render_template("tempaid/referral_refer.html", case=None, number=number,
                                    title=_l("Refer a case to the charities"))

    @expose("/refer/<int:case_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("refer")
    def refer(self, case_id):
        """State the need and the gap and put the case in the charities' pool."""
        case = self._case_or_404(case_id)
        form = request.form
        if request.method == "POST":
            session = self.datamodel.session
            try:
                referral = refer(session, case, current_user(), form.get("need", ""), form.get("gap_money"),
                                 form.get("gap_goods"), form.get("gap_services"))
                session.commit()
                flash(str(_l("The case was referred to the charities.")), "success")
                return redirect(url_for(".show", pk=referral.id))
            except ReferralRefused as exc:
                session.rollback()
                flash(refusal_text(exc), "danger")
        return self.render_template("tempaid/referral_refer.html", case=case, number=case.number, form=form,
                                    overview=case_aid(self.datamodel.session, case),
                                    title=_l("Refer a case to the charities"), category_label=category_label,
                                    kind_label=kind_label, case_state_label=case_state_label)

    @expose("/case/<int:case_id>", methods=["GET"])
    @has_access
    @permission_name("show")
    def case_aid(self, case_id):
        """Government and charity aid of the case's household together (nobody pays twice)."""
        case = self._case_or_404(case_id)
        overview = case_aid(self.datamodel.session, case)
        return self.render_template("tempaid/case_aid.html", case=case, overview=overview,
                                    title=_l("Government and charity aid"), state_label=state_label,
                                    kind_label=kind_label, category_label=category_label,
                                    case_state_label=case_state_label, may_refer=self._may("refer") and not any(
                                        r["this_case"] and r["state"] != "closed" for r in overview["referrals"]))


class ReferralPoolView(ReferralView):
    """The referrals waiting for a charity: for charity staff, those their projects fit."""

    route_base = "/referralpool"
    list_title = _l("Referral pool")
    base_permissions = ["can_list", "can_show"]
    base_filters = ReferralView.base_filters + [["state", FilterInFunction, lambda: POOL_STATES]]
    base_order = ("referred_at", "asc")


class AidRecordView(ScopedModelView):
    """Aid the charities recorded: a charity sees its own, government staff those in their jurisdiction."""

    datamodel = ScopedInterface(AidRecord)
    base_permissions = ["can_list", "can_show", "can_export"]
    list_title = _l("Charity aid records")
    show_title = _l("Charity aid record")
    list_columns = ["at", "referral", "case", "charity", "project", "kind", "amount", "description"]
    show_columns = ["at", "referral", "case", "township", "charity", "project", "kind", "amount", "description",
                    "user"]
    search_columns = ["kind", "at", "charity", "project"]
    order_columns = ["at", "amount"]
    base_order = ("at", "desc")
    label_columns = AID_LABELS
    formatters_columns = {"kind": kind_label, "at": _time, "description": _blank}
