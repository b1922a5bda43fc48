"""The working ledger of cash and in-kind payments (工作台账) and the public disclosure list (公示), per
township and month (二、(四) 注重阳光救助): on screen, as a page to print, and as an Excel workbook.

The ledger shows names and ID numbers as the viewer may see them; the disclosure list always masks them
(it is made to be posted). Both lists and their totals come from :mod:`app.services.ledgers`; a reversal
(冲正) is a negative ledger line whose note names the stage it reverses. Both are per township or
county-wide (the county is among the choices of a county's staff). A month's disclosure list, once posted
(:mod:`app.services.disclosures`), shows as it was posted, with its posting date.
"""
from __future__ import annotations

from flask import Response, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l

from app.models.audit import utcnow
from app.rules.inputs import CST
from app.web import viewer as masking
from app.web.request_user import current_user
from app.services.disclosures import late, post_list, shown_list
from app.services.ledgers import LedgerRefused, Month, cash_ledger
from app.services.rules import current_rules
from app.services.spreadsheets import XLSX_MIMETYPE, table_csv, table_xlsx
from app.services.townships import counties_in_scope, townships_in_scope
from app.views.cases import category_label
from app.views.payments import method_label
from app.views.refusals import refusal_text

LEDGER_COLUMNS = (("paid_on", _l("Paid on")), ("case_number", _l("Case number")),
                  ("head_name", _l("Head of household")), ("id_number", _l("Resident ID number")),
                  ("category", _l("Category")), ("stage", _l("Stage")), ("method", _l("Method")),
                  ("amount", _l("Amount or value")), ("items", _l("Items or service")),
                  ("from_reserve_fund", _l("From the reserve fund")), ("paid_by", _l("Paid by")), ("note", _l("Note")))
DISCLOSURE_COLUMNS = (("seq", _l("No.")), ("name", _l("Name")), ("id_number", _l("Resident ID number")),
                      ("category", _l("Category")), ("method", _l("Method")), ("amount", _l("Amount")))
#: the county-wide list names each row's township after the name
TOWNSHIP_COLUMN = ("township", _l("Township"))


def county_code(region) -> str | None:
    """The county a list's region belongs to: the county itself, or a township's parent."""
    if region.level == "county":
        return region.code
    return region.parent.code if region.parent else None


def ledger_note(row: dict) -> str:
    """A reversal's note says what it reverses and why; any other line's note as recorded."""
    if row.get("reverses_stage") is None:
        return row["note"]
    return str(_l("Reversal of stage %(stage)s: %(reason)s", stage=row["reverses_stage"], reason=row["note"]))


class _Monthly(BaseView):
    """A list per township and month: the choice form, the page, the printable page, the workbook."""

    default_view = "index"
    base_permissions = ["can_list", "can_export"]
    template = ""
    print_template = ""

    def _choice(self):
        session, user = self.appbuilder.session, current_user()
        # the townships first (the first is the default), then each county as a whole
        townships = townships_in_scope(session, user) + counties_in_scope(session, user)
        township_id = request.args.get("township_id", type=int) or (townships[0].id if townships else None)
        month = request.args.get("month") or str(Month.of(utcnow().astimezone(CST).date()))
        return townships, township_id, month

    def _made(self, township_id, month):
        """The list, or None with the refusal flashed."""
        try:
            return self.make(township_id, Month.parse(month))
        except LedgerRefused as exc:
            flash(refusal_text(exc), "danger")
            return None

    def make(self, township_id, month: Month):
        raise NotImplementedError

    def table(self, made) -> tuple[list[str], list[list], list]:
        """Headers, rows and the total row, as text and Decimal, for the print page and the workbook."""
        raise NotImplementedError

    def heading(self, made) -> str:
        raise NotImplementedError

    def extra_context(self, made) -> dict:
        """What a list's page shows besides the table."""
        return {"posted_text": "", "may_post": False}

    def _render(self, template: str):
        townships, township_id, month = self._choice()
        made = self._made(township_id, month) if township_id else None
        headers, rows, total = self.table(made) if made is not None else ([], [], [])
        return self.render_template(template, title=self.heading(made) if made else self.list_title,
                                    **self.extra_context(made),
                                    townships=townships, township_id=township_id, month=month, made=made,
                                    headers=headers, rows=rows, total=total, endpoint=self.__class__.__name__,
                                    printed_on=utcnow().astimezone(CST).date().isoformat())

    @expose("/", methods=["GET"])
    @has_access
    @permission_name("list")
    def index(self):
        return self._render(self.template)

    @expose("/print", methods=["GET"])
    @has_access
    @permission_name("list")
    def print(self):
        return self._render(self.print_template)

    @expose("/xlsx", methods=["GET"])
    @has_access
    @permission_name("export")
    def xlsx(self):
        return self._file("xlsx")

    @expose("/csv", methods=["GET"])
    @has_access
    @permission_name("export")
    def csv(self):
        return self._file("csv")

    def _file(self, kind: str) -> Response:
        """The list as a workbook or as CSV (UTF-8 with a byte-order mark), formula cells neutralised."""
        _townships, township_id, month = self._choice()
        made = self._made(township_id, month)
        if made is None:
            return Response(status=400)
        headers, rows, total = self.table(made)
        name = f"{self.file_name}-{made.township.code}-{made.month}.{kind}"
        if kind == "csv":
            data, mimetype = table_csv(headers, rows, total), "text/csv"
        else:
            data = table_xlsx(self.heading(made), headers, rows, total, sheet=str(made.month))
            mimetype = XLSX_MIMETYPE
        return Response(data, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={name}"})


class LedgerView(_Monthly):
    """工作台账: the cash and in-kind payments of a township in a month."""

    route_base = "/ledger"
    list_title = _l("Cash and in-kind ledger")
    template = "tempaid/ledger.html"
    print_template = "tempaid/monthly_print.html"
    file_name = "ledger"

    def make(self, township_id, month):
        return cash_ledger(self.appbuilder.session, current_user(), township_id, month)

    def heading(self, made) -> str:
        return str(_l("%(township)s · cash and in-kind payment ledger · %(month)s", township=made.township.name,
                      month=str(made.month)))

    def table(self, made):
        county = county_code(made.township)
        shown = {
            "head_name": lambda v: masking.shown("name", v), "id_number": lambda v: masking.shown("id_number", v),
            "category": lambda v: category_label(v, county), "method": method_label,
            "from_reserve_fund": lambda v: str(_l("yes")) if v else "", "paid_on": lambda v: v.isoformat(),
        }
        rows = [[ledger_note(row) if key == "note" else shown.get(key, lambda v: v)(row[key])
                 for key, _label in LEDGER_COLUMNS] for row in made.rows]
        total = [str(_l("Total")), "", "", "", "", made.count, "", made.total] + [""] * (len(LEDGER_COLUMNS) - 8)
        return [str(label) for _key, label in LEDGER_COLUMNS], rows, total


class DisclosureView(_Monthly):
    """公示: what a township, or the whole county, paid in a month — one row per household and cause, names
    and ID numbers masked — to print and post; once posted, the list as it was posted."""

    route_base = "/disclosure"
    list_title = _l("Public disclosure list")
    base_permissions = ["can_list", "can_export", "can_post"]
    template = "tempaid/ledger.html"
    print_template = "tempaid/monthly_print.html"
    file_name = "disclosure"

    def make(self, township_id, month):
        made, posting = shown_list(self.appbuilder.session, current_user(), township_id, month)
        made.posting = posting
        return made

    def heading(self, made) -> str:
        return str(_l("%(township)s · temporary assistance paid in %(month)s · public notice",
                      township=made.township.name, month=str(made.month)))

    def table(self, made):
        county = county_code(made.township)
        wide = made.township.level == "county"
        rows = [[n, row["name"]] + ([row["township"]] if wide else []) +
                [row["id_number"], category_label(row["category"], county),
                 " / ".join(method_label(m) for m in row["methods"]), row["amount"]]
                for n, row in enumerate(made.rows, start=1)]
        columns = DISCLOSURE_COLUMNS[:2] + ((TOWNSHIP_COLUMN,) if wide else ()) + DISCLOSURE_COLUMNS[2:]
        total = [str(_l("Total")), str(_l("%(count)s households", count=made.households))] + \
            [""] * (len(columns) - 3) + [made.total]
        return [str(label) for _key, label in columns], rows, total

    def posted_text(self, made) -> str:
        """The line under a posted list: when it was posted, and whether that was in time."""
        posting = getattr(made, "posting", None)
        if posting is None:
            return ""
        text = str(_l("Posted on %(posted)s (due by %(due)s).", posted=posting.posted_on.isoformat(),
                      due=posting.due_on.isoformat()))
        return text + (" " + str(_l("Posted late.")) if late(posting) else "")

    def extra_context(self, made) -> dict:
        posted = getattr(made, "posting", None) is not None
        today = utcnow().astimezone(CST).date()
        return {"posted_text": self.posted_text(made) if made else "",
                "may_post": made is not None and not posted and today >= made.month.next
                and self.appbuilder.sm.has_access("can_post", "DisclosureView")}

    @expose("/post", methods=["POST"])
    @has_access
    @permission_name("post")
    def post(self):
        """Post the month's list (after the month, once): it is frozen as posted."""
        township_id = request.form.get("township_id", type=int)
        month = request.form.get("month", "")
        try:
            post_list(self.appbuilder.session, current_user(), township_id, Month.parse(month), current_rules())
            self.appbuilder.session.commit()
            flash(str(_l("The list was posted; it stays as it was posted.")), "success")
        except LedgerRefused as exc:
            self.appbuilder.session.rollback()
            flash(refusal_text(exc), "danger")
        return redirect(url_for("DisclosureView.index", township_id=township_id, month=month))
