"""Township reserve fund screens (备用金, 三、(五)): balances in the user's jurisdiction with a warning where a
fund is below its county's low-balance level (``reserve_fund.low_balance`` in the rule files), every
movement with who and why, and recording money in (own funds, county allocation, return). Draws are made
only by recording an emergency cash payment (:mod:`app.services.payments`).
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models import FundMovement, Region, ReserveFund
from app.models.reserve_fund import INFLOW_KINDS
from app.web.jurisdiction import TOWNSHIPS_IN_SCOPE
from app.web.request_user import current_user
from app.services.deadlines import china_today
from app.services.money import fen
from app.services.reserve_funds import FundRefused, allocate, confirm_above, low_balance_level, standing
from app.services.rules import current_rules
from app.services.townships import townships_in_scope
from app.views.base import ScopedInterface, ScopedModelView
from app.views.refusals import refusal_text
from app.web.timefmt import china_time

KIND_LABELS = {"allocation_own": _l("Township's own funds"), "allocation_county": _l("County allocation"),
               "return": _l("Returned to the fund"), "draw": _l("Drawn for a payment")}
from app.web.labels import FUND_LABELS, MOVEMENT_LABELS  # noqa: F401 (shared with the API)
LOW = Markup('{} <span class="label label-danger" title="{}">{}</span>')


def kind_label(kind: str | None) -> str:
    return str(KIND_LABELS.get(kind, kind or ""))


def _time(value) -> str:
    return china_time(value)  # SQLite hands back UTC without its zone


def _blank(value):
    return "" if value is None else value


class FundInterface(ScopedInterface):
    """Marks a balance below its county's level in the list. The level is read once per county on the page
    (the rows' counties are loaded with them), not once per row."""

    def get_values(self, lst, list_columns):
        rules, day, levels = current_rules(), china_today(), {}
        for item in lst:
            row = {col: self._get_attr_value(item, col) for col in list_columns}
            code = item.county.code
            if code not in levels:
                levels[code] = low_balance_level(rules, code, day)
            level = levels[code]
            if "balance" in row and level is not None and fen(item.balance) < level:
                row["balance"] = LOW.format(fen(item.balance), str(_l("Below %(level)s", level=level)),
                                            _l("Low balance"))
            yield row


class FundMovementView(ScopedModelView):
    datamodel = ScopedInterface(FundMovement)
    base_permissions = ["can_list", "can_show", "can_export"]
    list_title = _l("Reserve fund movements")
    show_title = _l("Reserve fund movement")
    list_columns = ["at", "township", "kind", "amount", "balance_after", "reason", "user", "case"]
    show_columns = ["at", "fund", "township", "kind", "amount", "balance_after", "reason", "user", "payment", "case"]
    search_columns = ["kind", "at", "township"]
    search_form_query_rel_fields = {"township": TOWNSHIPS_IN_SCOPE}
    order_columns = ["at", "amount"]
    base_order = ("at", "desc")
    label_columns = MOVEMENT_LABELS
    formatters_columns = {"kind": kind_label, "at": _time, "payment": _blank, "case": _blank}


class ReserveFundView(ScopedModelView):
    datamodel = FundInterface(ReserveFund)
    base_permissions = ["can_list", "can_show", "can_allocate"]
    list_title = _l("Township reserve funds")
    show_title = _l("Township reserve fund")
    list_template = "tempaid/fund_list.html"
    show_template = "tempaid/fund_show.html"
    list_columns = ["township", "county", "balance", "created_at"]
    show_columns = ["township", "county", "balance", "created_at"]
    search_columns = ["township", "county"]
    search_form_query_rel_fields = {"township": TOWNSHIPS_IN_SCOPE}
    order_columns = ["balance", "created_at"]
    base_order = ("balance", "asc")
    label_columns = FUND_LABELS
    formatters_columns = {"created_at": _time}
    related_views = [FundMovementView]

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        fund = self.datamodel.get(pk, self._base_filters)
        if fund is None:
            abort(404)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=self._show(pk),
                                    related_views=self._related_views, fund=fund,
                                    standing=standing(current_rules(), fund, china_today()),
                                    kinds=[(k, kind_label(k)) for k in INFLOW_KINDS])

    @expose("/allocate/", methods=["GET", "POST"])
    @has_access
    @permission_name("allocate")
    def allocate(self):
        """Money into a township's fund, with why; opens the fund on its first allocation."""
        session = self.datamodel.session
        form = request.form
        confirm_needed = False
        if request.method == "POST":
            township = session.get(Region, form.get("township_id", type=int) or 0)
            try:
                movement = allocate(session, township, form.get("kind", ""), form.get("amount", ""),
                                    form.get("reason", ""), current_user(), confirmed=form.get("confirm") == "1")
                session.commit()
                flash(str(_l("Recorded: %(kind)s %(amount)s, balance %(balance)s.", kind=kind_label(movement.kind),
                             amount=movement.amount, balance=movement.balance_after)), "success")
                return redirect(url_for(".show", pk=movement.fund_id))
            except FundRefused as exc:
                session.rollback()
                confirm_needed = exc.code == "confirm_large"
                flash(refusal_text(exc), "warning" if confirm_needed else "danger")
        return self.render_template("tempaid/fund_allocate.html", confirm_needed=confirm_needed,
                                    confirm_above=confirm_above(), title=_l("Record money into a reserve fund"),
                                    townships=townships_in_scope(session, current_user()), form=form,
                                    kinds=[(k, kind_label(k)) for k in INFLOW_KINDS],
                                    chosen=request.values.get("township_id", type=int))
