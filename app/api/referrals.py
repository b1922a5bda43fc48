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
from app.security.masking import mask_fields
from app.web import viewer as masking
from app.security.scope import scope_clause, user_scope
from app.web.request_user import current_user
from app.services.case_aid import case_aid
from app.services.matching import projects_for
from app.services.referrals import ReferralRefused, claim, close, record_aid, refer, release, withdraw
from app.web.scoped import ScopedInterface, ScopedModelRestApi
from app.web.labels import REFERRAL_LABELS
from app.web.bodies import body_object, optional_body
from app.web.errors import error_response
from app.web.openapi import documented
from app.web.schemas import charity as schemas
from app.web.schemas.base import load_body

PERSONAL = {"head_name": "name", "id_number": "id_number", "phone": "phone", "address": "address"}
REFERRAL_COLUMNS = ["id", "case.id", "case.number", "household.head_name", "household.id_number", "county.code",
                    "township.code", "township.name", "category", "need", "gap_money", "gap_goods", "gap_services",
                    "state", "claimed_by_charity_id", "claimed_at", "referred_at"]


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
        mask_fields(record.get("household") or {}, PERSONAL)

    def pre_get(self, data: dict) -> None:
        self._mask(data.get("result", {}))

    def pre_get_list(self, data: dict) -> None:
        for record in data.get("result", []):
            self._mask(record)

    # -- actions ------------------------------------------------------------------------------------------

    def _error(self, exc: ReferralRefused):
        status = 409 if exc.code == "already_claimed" else 400
        return error_response(status, exc.code, exc.message)

    def _referral(self, pk) -> Referral | None:
        return self.datamodel.get(pk, self._base_filters)

    def _state(self, referral: Referral, status: int = 200, **extra):
        return self.response(status, **schemas.ReferralState().dump(dict(
            id=referral.id, state=referral.state, claimed_by_charity_id=referral.claimed_by_charity_id, **extra)))

    def _run(self, pk, action, schema=None):
        body = load_body(schema or schemas.NoteBody, optional_body())
        referral = self._referral(pk)
        if referral is None:
            return self.response_404()
        session = self.datamodel.session
        try:
            extra = action(session, referral, body) or {}
            session.commit()
        except ReferralRefused as exc:
            session.rollback()
            return self._error(exc)
        return self._state(referral, **extra)

    @expose("/refer", methods=["POST"])
    @documented("Refer a case to the charities (转介)", body=schemas.ReferBody, reply=schemas.ReferralState,
                status=201, example={"case_id": 1, "need": "透析费用缺口", "gap_money": "3000.00"})
    @protect()
    @safe
    def refer(self):
        body = load_body(schemas.ReferBody, body_object())
        session = self.datamodel.session
        case = session.scalar(select(Case).where(Case.id == body["case_id"], scope_clause(Case, current_user())))
        if case is None:
            return self.response_404()
        try:
            referral = refer(session, case, current_user(), body["need"], body.get("gap_money"),
                             body.get("gap_goods"), body.get("gap_services"))
            session.commit()
        except ReferralRefused as exc:
            session.rollback()
            return self._error(exc)
        return self._state(referral, 201, gap_money=referral.gap_money)

    @expose("/<int:pk>/claim", methods=["POST"])
    @documented("Claim the referral for your charity (认领); 409 if another charity was first",
                reply=schemas.ReferralState, errors=(400, 404, 409))
    @protect()
    @safe
    def claim(self, pk):
        return self._run(pk, lambda s, r, _b: claim(s, r, current_user()) and None, schemas.NothingBody)

    @expose("/<int:pk>/release", methods=["POST"])
    @documented("Give your claim back to the pool (before any aid)", body=schemas.NoteBody,
                reply=schemas.ReferralState, example={"note": "超出本机构能力"})
    @protect()
    @safe
    def release(self, pk):
        return self._run(pk, lambda s, r, b: release(s, r, current_user(), b.get("note")) and None)

    @expose("/<int:pk>/aid", methods=["POST"])
    @documented("Record the aid your charity gave", body=schemas.AidBody, reply=schemas.ReferralState,
                example={"project_id": 1, "kind": "money", "amount": "1200.00", "description": "透析费用"},
                description="The project's budget falls by the amount (money) or value (goods, services).")
    @protect()
    @safe
    def aid(self, pk):
        def act(session, referral, body):
            project = session.get(CharityProject, body["project_id"])
            record = record_aid(session, referral, current_user(), project, body["kind"], body["amount"],
                                body.get("description"))
            return {"aid_record": {"id": record.id, "project_id": record.project_id, "kind": record.kind,
                                   "amount": record.amount, "description": record.description,
                                   "at": record.at.isoformat()},
                    "project_remaining": project.remaining}

        return self._run(pk, act, schemas.AidBody)

    @expose("/<int:pk>/close", methods=["POST"])
    @documented("Close your claimed referral once aid is recorded", body=schemas.NoteBody,
                reply=schemas.ReferralState)
    @protect()
    @safe
    def close(self, pk):
        return self._run(pk, lambda s, r, b: close(s, r, current_user(), b.get("note")) and None)

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @documented("Withdraw an unclaimed referral", body=schemas.NoteBody, reply=schemas.ReferralState,
                example={"note": "已由县级直接救助"})
    @protect()
    @safe
    def withdraw(self, pk):
        return self._run(pk, lambda s, r, b: withdraw(s, r, current_user(), b.get("note", "")) and None)

    @expose("/<int:pk>/matches", methods=["GET"])
    @documented("The projects that fit the referral, best first (for charity staff: their charity's)",
                method="get", reply=schemas.Matches, errors=(404,))
    @protect()
    @safe
    def matches(self, pk):
        referral = self._referral(pk)
        if referral is None:
            return self.response_404()
        user = current_user()
        charity_id = user.charity_id if user_scope(user) == "charity" else None
        found = projects_for(self.datamodel.session, referral, charity_id)
        return self.response(200, **schemas.Matches().dump({"result": [
            {"project_id": m.project.id, "project": m.project.name, "charity_id": m.project.charity_id,
             "charity": m.project.charity.name, "category_fit": m.category_fit, "region_fit": m.region_fit,
             "covers_gap": m.covers_gap, "remaining": m.project.remaining} for m in found]}))

    @expose("/case/<int:case_id>/aid", methods=["GET"])
    @documented("Government and charity aid of the case's household together, with totals", method="get",
                reply=schemas.CaseAid, errors=(404,))
    @protect()
    @safe
    def case_aid(self, case_id):
        session = self.datamodel.session
        case = session.scalar(select(Case).where(Case.id == case_id, scope_clause(Case, current_user())))
        if case is None:
            return self.response_404()
        return self.response(200, **schemas.CaseAid().dump(case_aid(session, case)))
