"""``/api/v1/referral/``: referrals, the charities' claims and their aid — the same services as the screens.

Lists and records are filtered as the screens are (jurisdiction, or for charity staff the pool their
projects fit plus their own claims); the household's personal data are masked for charity staff until
their charity has claimed the referral. Money is a string. A lost race for a claim answers 409.
"""
from __future__ import annotations

from flask_appbuilder.api import expose, protect, safe
from sqlalchemy import select

from app.models import Case, CharityProject, Referral
from app.models.referral import claimed_by_viewer
from app.security import masking
from app.security.scope import scope_clause, user_scope
from app.web.request_user import current_user
from app.services.case_aid import as_json, case_aid
from app.services.ids import row_id
from app.services.matching import projects_for
from app.services.referrals import ReferralRefused, claim, close, record_aid, refer, release, withdraw
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import REFERRAL_LABELS
from app.web.bodies import body_object, optional_body

PERSONAL = {"head_name": "name", "id_number": "id_number", "phone": "phone", "address": "address"}
REFERRAL_COLUMNS = ["id", "case.id", "case.number", "household.head_name", "household.id_number", "county.code",
                    "township.code", "township.name", "category", "need", "gap_money", "gap_goods", "gap_services",
                    "state", "claimed_by_charity_id", "claimed_at", "referred_at"]


def _money(value) -> str | None:
    return None if value is None else str(value)


class ReferralApi(ScopedModelRestApi):
    resource_name = "referral"
    datamodel = ScopedInterface(Referral)
    class_permission_name = "ReferralApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_info", "can_refer", "can_claim", "can_aid"]
    method_permission_name = {"get_list": "get", "get": "get", "info": "info", "matches": "get",
                              "case_aid": "get", "refer": "refer", "withdraw": "refer", "claim": "claim",
                              "release": "claim", "aid": "aid", "close": "aid"}
    list_columns = REFERRAL_COLUMNS
    show_columns = REFERRAL_COLUMNS + ["household.phone", "household.address", "aided_at", "closed_at", "note"]
    order_columns = ["id", "referred_at", "claimed_at"]
    base_order = ("referred_at", "desc")
    label_columns = {k: v for k, v in REFERRAL_LABELS.items() if "." not in k}
    description_columns = dict(label_columns)

    # -- masking: per record, since a claim unmasks its own referral for its charity -------------------------

    def _mask(self, record: dict) -> None:
        if masking.viewer_sees_whole() or claimed_by_viewer(record.get("state"), record.get("claimed_by_charity_id"),
                                                            current_user()):
            return
        masking.mask_fields(record.get("household") or {}, PERSONAL)

    def pre_get(self, data: dict) -> None:
        self._mask(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        for record in data.get("result", []):
            self._mask(record)

    # -- actions ------------------------------------------------------------------------------------------

    def _error(self, exc: ReferralRefused):
        status = 409 if exc.code == "already_claimed" else 400
        return self.response(status, error={"code": exc.code, "message": exc.message})

    def _referral(self, pk) -> Referral | None:
        return self.datamodel.get(pk, self._base_filters)

    def _state(self, referral: Referral, status: int = 200, **extra):
        return self.response(status, id=referral.id, state=referral.state,
                             claimed_by_charity_id=referral.claimed_by_charity_id, **extra)

    def _run(self, pk, action):
        referral = self._referral(pk)
        if referral is None:
            return self.response_404()
        session = self.datamodel.session
        body = optional_body()
        try:
            extra = action(session, referral, body) or {}
            session.commit()
        except ReferralRefused as exc:
            session.rollback()
            return self._error(exc)
        return self._state(referral, **extra)

    @expose("/refer", methods=["POST"])
    @protect()
    @safe
    def refer(self):
        """Refer a case: ``{"case_id", "need", "gap_money", "gap_goods", "gap_services"}``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {201: {description: the referral}, 400: {description: refused}, 404: {description: no such case}}
        """
        body = body_object()
        session = self.datamodel.session
        case = session.scalar(select(Case).where(Case.id == row_id(body.get("case_id")), scope_clause(Case, current_user())))
        if case is None:
            return self.response_404()
        try:
            referral = refer(session, case, current_user(), body.get("need", ""), body.get("gap_money"),
                             body.get("gap_goods"), body.get("gap_services"))
            session.commit()
        except ReferralRefused as exc:
            session.rollback()
            return self._error(exc)
        return self._state(referral, 201, gap_money=_money(referral.gap_money))

    @expose("/<int:pk>/claim", methods=["POST"])
    @protect()
    @safe
    def claim(self, pk):
        """Claim the referral for your charity; 409 if another charity was first.
        ---
        post:
          responses: {200: {description: claimed}, 400: {description: refused}, 404: {description: not in your pool}, 409: {description: already claimed}}
        """
        return self._run(pk, lambda s, r, _b: claim(s, r, current_user()) and None)

    @expose("/<int:pk>/release", methods=["POST"])
    @protect()
    @safe
    def release(self, pk):
        """Give your claim back to the pool (before any aid): ``{"note"}``.
        ---
        post:
          responses: {200: {description: returned}, 400: {description: refused}, 404: {description: not visible}}
        """
        return self._run(pk, lambda s, r, b: release(s, r, current_user(), b.get("note")) and None)

    @expose("/<int:pk>/aid", methods=["POST"])
    @protect()
    @safe
    def aid(self, pk):
        """Record aid: ``{"project_id", "kind": "money|goods|services", "amount": "1200.00", "description"}``.
        ---
        post:
          requestBody: {content: {application/json: {schema: {type: object}}}}
          responses: {200: {description: the aid record and the project's remainder}, 400: {description: refused}, 404: {description: not visible}}
        """
        def act(session, referral, body):
            project = session.get(CharityProject, row_id(body.get("project_id")) or 0)
            record = record_aid(session, referral, current_user(), project, body.get("kind", ""),
                                body.get("amount", ""), body.get("description"))
            return {"aid_record": {"id": record.id, "project_id": record.project_id, "kind": record.kind,
                                   "amount": _money(record.amount), "description": record.description,
                                   "at": record.at.isoformat()},
                    "project_remaining": _money(project.remaining)}

        return self._run(pk, act)

    @expose("/<int:pk>/close", methods=["POST"])
    @protect()
    @safe
    def close(self, pk):
        """Close your claimed referral once aid is recorded: ``{"note"}``.
        ---
        post:
          responses: {200: {description: closed}, 400: {description: refused}, 404: {description: not visible}}
        """
        return self._run(pk, lambda s, r, b: close(s, r, current_user(), b.get("note")) and None)

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @protect()
    @safe
    def withdraw(self, pk):
        """Withdraw an unclaimed referral: ``{"note"}`` (why).
        ---
        post:
          responses: {200: {description: closed}, 400: {description: refused}, 404: {description: not in scope}}
        """
        return self._run(pk, lambda s, r, b: withdraw(s, r, current_user(), b.get("note", "")) and None)

    @expose("/<int:pk>/matches", methods=["GET"])
    @protect()
    @safe
    def matches(self, pk):
        """The projects that fit the referral, best first (for charity staff: their charity's).
        ---
        get:
          responses: {200: {description: ranked projects}, 404: {description: not visible}}
        """
        referral = self._referral(pk)
        if referral is None:
            return self.response_404()
        user = current_user()
        charity_id = user.charity_id if user_scope(user) == "charity" else None
        found = projects_for(self.datamodel.session, referral, charity_id)
        return self.response(200, result=[
            {"project_id": m.project.id, "project": m.project.name, "charity_id": m.project.charity_id,
             "charity": m.project.charity.name, "category_fit": m.category_fit, "region_fit": m.region_fit,
             "covers_gap": m.covers_gap, "remaining": _money(m.project.remaining)} for m in found])

    @expose("/case/<int:case_id>/aid", methods=["GET"])
    @protect()
    @safe
    def case_aid(self, case_id):
        """Government and charity aid of the case's household together, with totals.
        ---
        get:
          responses: {200: {description: both lists and the totals}, 404: {description: not in scope}}
        """
        session = self.datamodel.session
        case = session.scalar(select(Case).where(Case.id == case_id, scope_clause(Case, current_user())))
        if case is None:
            return self.response_404()
        return self.response(200, **as_json(case_aid(session, case)))
