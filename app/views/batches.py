"""Bank-transfer batches (社会化发放, 二、(四)): what waits to be sent, making a batch, and its file for the bank
(CSV, UTF-8 with a byte-order mark, one row per payment and a total row). A batch's file can be downloaded
again; a payment is never in two batches (:mod:`app.services.batches`)."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l

from app.models import PaymentBatch, Region
from app.web import viewer as masking
from app.web.request_user import current_user
from app.services.batches import (
    BATCH_COLUMNS,
    BatchRefused,
    batch_csv,
    batch_rows,
    batch_xlsx,
    create_batch,
    waiting,
)
from app.services.spreadsheets import XLSX_MIMETYPE
from app.services.townships import counties_in_scope
from app.views.base import ScopedInterface, ScopedModelView
from app.views.refusals import refusal_text
from app.web.timefmt import china_time

from app.web.labels import BATCH_LABELS  # noqa: F401 (shared with the API)
FILE_LABELS = {
    "seq": _l("No."), "payee": _l("Payee"), "id_number": _l("Resident ID number"), "bank_name": _l("Bank"),
    "bank_account": _l("Bank account"), "amount": _l("Amount"), "case_number": _l("Case number"),
    "stage": _l("Stage"), "paid_on": _l("Paid on"),
}


def _time(value) -> str:
    return china_time(value)  # SQLite hands back UTC without its zone


def _blank(value):
    return "" if value is None else value


class PaymentBatchView(ScopedModelView):
    datamodel = ScopedInterface(PaymentBatch)
    base_permissions = ["can_list", "can_show", "can_export", "can_batch"]
    list_title = _l("Bank transfer batches")
    show_title = _l("Bank transfer batch")
    list_template = "tempaid/batch_list.html"
    show_template = "tempaid/batch_show.html"
    list_columns = ["number", "county", "township", "payment_count", "total", "created_by", "created_at"]
    show_columns = list_columns + ["note"]
    search_columns = ["number", "created_at"]
    order_columns = ["number", "created_at", "total"]
    base_order = ("created_at", "desc")
    label_columns = BATCH_LABELS
    formatters_columns = {"created_at": _time, "township": _blank, "note": _blank}

    def _batch_or_404(self, pk) -> PaymentBatch:
        batch = self.datamodel.get(pk, self._base_filters)
        if batch is None:
            abort(404)
        return batch

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        batch = self._batch_or_404(pk)
        rows = batch_rows(self.datamodel.session, batch)
        for row in rows:  # as the viewer may see them
            row["payee_shown"] = masking.shown("name", row["payee"])
            row["id_number"] = masking.shown("id_number", row["id_number"])
            row["bank_account"] = masking.shown("bank_account", row["bank_account"])
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=self._show(pk),
                                    related_views=[], batch=batch, rows=rows, labels=FILE_LABELS,
                                    columns=BATCH_COLUMNS)

    @expose("/file/<pk>", methods=["GET"])
    @has_access
    @permission_name("export")
    def file(self, pk):
        """The bank file of the batch, the same rows every time it is downloaded."""
        batch = self._batch_or_404(pk)
        text = batch_csv(batch, batch_rows(self.datamodel.session, batch),
                         {key: str(label) for key, label in FILE_LABELS.items()}, str(_l("Total")), masking.shown)
        return Response(text, mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=batch-{batch.number}.csv"})

    @expose("/file/<pk>/xlsx", methods=["GET"])
    @has_access
    @permission_name("export")
    def file_xlsx(self, pk):
        """The bank file as an Excel workbook: account numbers as text, amounts as numbers."""
        batch = self._batch_or_404(pk)
        data = batch_xlsx(batch, batch_rows(self.datamodel.session, batch),
                          {key: str(label) for key, label in FILE_LABELS.items()}, str(_l("Total")),
                          str(_l("Bank transfer batch %(number)s", number=batch.number)), masking.shown)
        return Response(data, mimetype=XLSX_MIMETYPE, headers={
            "Content-Disposition": f"attachment; filename=batch-{batch.number}.xlsx"})

    @expose("/create/", methods=["GET", "POST"])
    @has_access
    @permission_name("batch")
    def create(self):
        """What waits to be sent, per township; a batch for one township or a whole county."""
        session = self.datamodel.session
        user = current_user()
        if request.method == "POST":
            kind, _, region_id = request.form.get("region", "").partition(":")
            region = session.get(Region, int(region_id)) if region_id.isdigit() else None
            try:
                batch = create_batch(session, user, county=region if kind == "county" else None,
                                     township=region if kind == "township" else None,
                                     note=request.form.get("note"))
                session.commit()
                flash(str(_l("Batch %(number)s made: %(count)s payments, %(total)s.", number=batch.number,
                             count=batch.payment_count, total=batch.total)), "success")
                return redirect(url_for(".show", pk=batch.id))
            except BatchRefused as exc:
                session.rollback()
                flash(refusal_text(exc), "danger")
        return self.render_template("tempaid/batch_create.html", title=_l("Make a bank transfer batch"),
                                    waiting=waiting(session, user), counties=counties_in_scope(session, user))
