"""Payment screens (二、(四)): the payments in the user's jurisdiction, and recording the next stage of a
decided case — find it by its number, see what was approved and paid, record by bank transfer, in cash
(from the township's reserve fund for emergencies), in kind or as a referral service. Payments are never
edited or deleted here: every action is a POST to :mod:`app.services.payments`; a mistaken or returned
payment is reversed (冲正) by a POST to :mod:`app.services.reversals`, with its reason.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import Case, Payment
from app.models.audit import utcnow
from app.models.payment import PAYMENT_METHODS
from app.rules.inputs import CST
from app.security.scope import scope_clause
from app.web.jurisdiction import TOWNSHIPS_IN_SCOPE
from app.web.request_user import current_user
from app.services.payments import (
    PaymentRefused,
    may_pay,
    pay_starts_from,
    payable_states,
    record_payment,
    settle,
)
from app.services.reserve_funds import FundRefused, fund_of
from app.services.reversals import case_payments, may_reverse, reverse_payment
from app.services.rules import current_rules
from app.services.workflow import TransitionRefused
from app.views.base import ScopedInterface, ScopedModelView
from app.views.cases import category_label, state_label
from app.views.refusals import refusal_text
from app.web.timefmt import china_time

METHOD_LABELS = {"bank_transfer": _l("Bank transfer"), "cash": _l("Cash"), "in_kind": _l("In kind"),
                 "referral": _l("Referral service")}
WARNING_LABELS = {"reserve_fund_low": _l("The reserve fund is below the county's low-balance level.")}
from app.web.labels import PAYMENT_LABELS  # noqa: F401 (shared with the API)


def method_label(method: str | None) -> str:
    return str(METHOD_LABELS.get(method, method or ""))


def _blank(value):
    return "" if value is None else value


def _time(value) -> str:
    return china_time(value)  # SQLite hands back UTC without its zone


def _reverses(value) -> str:
    """A reversal names the stage it undoes (the list loads it in the same query)."""
    return str(_l("Reversal of stage %(stage)s", stage=value.stage)) if value is not None else ""


class PaymentView(ScopedModelView):
    datamodel = ScopedInterface(Payment)
    base_permissions = ["can_list", "can_show", "can_export", "can_pay"]
    list_title = _l("Payments")
    show_title = _l("Payment")
    list_template = "tempaid/payment_list.html"
    show_template = "tempaid/payment_show.html"
    list_columns = ["paid_on", "case", "household", "township", "stage", "method", "amount", "batch", "reverses"]
    show_columns = ["case", "household", "county", "township", "stage", "method", "amount", "items", "paid_on",
                    "paid_by", "recorded_at", "batch", "reverses", "note"]
    export_columns = ["paid_on", "case", "household", "township", "stage", "method", "amount", "items", "paid_by",
                      "batch", "reverses", "note"]
    search_columns = ["method", "paid_on", "township", "amount"]
    search_form_query_rel_fields = {"township": TOWNSHIPS_IN_SCOPE}
    order_columns = ["paid_on", "amount", "stage"]
    base_order = ("paid_on", "desc")
    label_columns = PAYMENT_LABELS
    formatters_columns = {"method": method_label, "items": _blank, "batch": _blank, "note": _blank,
                          "recorded_at": _time, "reverses": _reverses}

    def _case_or_404(self, case_id) -> Case:
        case = self.datamodel.session.scalar(select(Case).where(Case.id == case_id,
                                                                scope_clause(Case, current_user())))
        if case is None:
            abort(404)
        return case

    @expose("/record/", methods=["GET"])
    @has_access
    @permission_name("pay")
    def find_case(self):
        """Find the case to pay by its number."""
        number = request.args.get("number", "").strip()
        if number:
            case_id = self.datamodel.session.scalar(select(Case.id).where(
                Case.number == number, scope_clause(Case, current_user())))
            if case_id is not None:
                return redirect(url_for(".record", case_id=case_id))
            flash(str(_l("No case with this number in your jurisdiction.")), "warning")
        return redirect(url_for(".list"))

    @expose("/record/<int:case_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("pay")
    def record(self, case_id):
        """What was approved and paid so far, and the form for the next stage."""
        case = self._case_or_404(case_id)
        session = self.datamodel.session
        form = request.form
        if request.method == "POST":
            try:
                done = record_payment(session, case, current_user(), form.get("method", ""), form.get("amount", ""),
                                      current_rules(), paid_on=form.get("paid_on"), items=form.get("items"),
                                      note=form.get("note"), from_reserve_fund=form.get("from_reserve_fund") == "1")
                session.commit()
                flash(str(_l("Stage %(stage)s recorded: %(amount)s.", stage=done.payment.stage,
                             amount=done.payment.amount)), "success")
                if done.complete:
                    flash(str(_l("The approved amount is paid in full.")), "success")
                for warning in done.warnings:
                    flash(str(WARNING_LABELS.get(warning, warning)), "warning")
                return redirect(url_for(".record", case_id=case.id))
            except (PaymentRefused, TransitionRefused) as exc:
                session.rollback()
                flash(refusal_text(exc), "danger")
                case = self._case_or_404(case_id)
        fund = fund_of(session, case.township_id)
        lines = case_payments(session, case, current_user())
        paid = lines.progress
        allowed = may_pay(case, current_user())
        return self.render_template(
            "tempaid/payment_record.html", title=_l("Record a payment"), case=case, form=form,
            progress=paid, lines=lines, fund=fund,
            payable=allowed and case.state in payable_states(case) and not paid.complete,
            may_settle=allowed and paid.complete and pay_starts_from(case),
            methods=[(m, method_label(m)) for m in PAYMENT_METHODS], method_label=method_label,
            category_label=category_label, state_label=state_label,
            today=utcnow().astimezone(CST).date().isoformat())

    @expose("/settle/<int:case_id>", methods=["POST"])
    @has_access
    @permission_name("pay")
    def settle(self, case_id):
        """Mark a case paid in full as paid (an emergency case, once its papers are registered)."""
        case = self._case_or_404(case_id)
        session = self.datamodel.session
        try:
            settle(session, case, current_user(), current_rules())
            session.commit()
            flash(str(_l("Done: %(state)s", state=state_label(case.state))), "success")
        except (PaymentRefused, TransitionRefused) as exc:
            session.rollback()
            flash(refusal_text(exc), "danger")
        return redirect(url_for(".record", case_id=case_id))

    def _payment_or_404(self, pk) -> Payment:
        payment = self.datamodel.get(pk)  # the jurisdiction applies (ScopedInterface)
        if payment is None:
            abort(404)
        return payment

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """The payment, what reversed it or what it reverses, and "Reverse" for who may."""
        payment = self._payment_or_404(pk)
        session = self.datamodel.session
        reversal = session.scalar(select(Payment).where(Payment.reverses_id == payment.id))
        undone = {payment.id: reversal} if reversal is not None else {}
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=self._show(pk), related_views=[],
            payment=payment, reversal=reversal,
            can_reverse=may_reverse(payment.case, payment, current_user(), undone))

    @expose("/reverse/<int:pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("pay")
    def reverse(self, pk):
        """Reverse one payment (冲正): a small form asking the reason; the result is flashed."""
        payment = self._payment_or_404(pk)
        session = self.datamodel.session
        if request.method == "POST":
            try:
                done = reverse_payment(session, payment, current_user(), request.form.get("reason", ""),
                                       current_rules(), bank_returned=bool(request.form.get("bank_returned")))
                session.commit()
                flash(str(_l("Stage %(stage)s reversed: %(amount)s.", stage=payment.stage,
                             amount=done.reversal.amount)), "success")
                if done.movement is not None:
                    flash(str(_l("%(amount)s went back to the township reserve fund.",
                                 amount=done.movement.amount)), "success")
                if done.reopened:
                    flash(str(_l("The case is no longer paid in full and takes payments again: %(state)s",
                                 state=state_label(payment.case.state))), "warning")
                return redirect(url_for(".record", case_id=payment.case_id))
            except (PaymentRefused, TransitionRefused, FundRefused) as exc:
                session.rollback()
                flash(refusal_text(exc), "danger")
                payment = self._payment_or_404(pk)
        return self.render_template("tempaid/payment_reverse.html", title=_l("Reverse a payment"), payment=payment,
                                    case=payment.case, method_label=method_label, state_label=state_label,
                                    reason=request.form.get("reason", ""))
