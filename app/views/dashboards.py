"""The dashboards (绩效评价, 四、(三)): an area's figures, its breakdown one level down, by kind, the
monthly trend and the 绩效目标表, on a page and as Excel workbooks; and the accountability form.

Thin: the figures come from :mod:`app.reports.dashboard`; the area asked for (``?region=``) is checked
against the user's scope there (:func:`app.reports.area.area_for`), so a township user asking for
another township, or a county user for the city, is answered 404 like any row outside their scope.
"""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Case
from app.models.accountability import CAUSES
from app.models.audit import utcnow
from app.reports.area import AreaRefused, Period, area_for, year_to_date
from app.reports.dashboard import Dashboard, build
from app.reports.indicators import ACCOUNTABILITY, MONEY, REACH, TIMELINESS
from app.security.scope import scope_clause, sees_personal_data
from app.web.request_user import current_user
from app.services.accountability import AccountabilityRefused, corrections, overrun_clocks, record
from app.services.deadlines import china_today
from app.services.rules import current_rules
from app.services.spreadsheets import XLSX_MIMETYPE, workbook_xlsx
from app.web.charts import money_chart, trend_chart
from app.views.cases import category_label
from app.views.dashboard_format import figure_cell, figure_link, figure_text
from app.views.dashboard_labels import CAUSE_LABELS, CLOCK_LABELS, FIGURE_LABELS, SECTION_LABELS

SECTIONS = (("reach", REACH), ("timeliness", TIMELINESS), ("money", MONEY), ("accountability", ACCOUNTABILITY))
#: the figures the landing page shows as cards (the page of the dashboard shows them all)
CARDS = ("cases", "aided_cases", "aided_persons", "pre_assist_due_rate", "decision_due_rate", "overdue_now",
         "paid_total", "bank_share")
#: the breakdown table's columns
BREAKDOWN = ("cases", "emergency_cases", "aided_cases", "aided_persons", "pre_assist_due_rate",
             "registration_due_rate", "decision_due_rate", "quick_due_rate", "lead_contact_rate", "overdue_now",
             "leads_overdue_now", "approved_amount",
             "paid_total", "bank_share", "fund_execution_rate", "repeat_aid")
KIND_NAMES = {"emergency": _l("Emergency"), "expenditure": _l("Expenditure")}


class PeriodInvalid(ValueError):
    pass


def period_from(args) -> Period:
    """``?start=&end=`` (days), default this year to date; a wrong day is a clear refusal, never a 500."""
    default = year_to_date(china_today())
    try:
        start = dt.date.fromisoformat(args.get("start") or default.start.isoformat())
        end = dt.date.fromisoformat(args.get("end") or default.end.isoformat())
        return Period(start, end)
    except ValueError as exc:
        raise PeriodInvalid(str(exc)) from exc


def region_from(args) -> int | None:
    raw = args.get("region")
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        abort(404)
    return int(raw)


def dashboard_for(session, user, region_id, period, export=False) -> Dashboard:
    area = area_for(session, user, region_id)
    return build(session, area, period, utcnow(), current_rules(), sees_personal_data(user), export=export)


def charts(board: Dashboard) -> dict:
    months = [m.month for m in board.months]
    return {"trend": trend_chart(_("Cases by month"), months,
                                 [(_("Cases taken in"), [m.cases for m in board.months]),
                                  (_("Cases aided"), [m.aided for m in board.months])]),
            "paid": money_chart(_("Amount paid by month (yuan)"), months, [m.paid for m in board.months])}


def page_context(board: Dashboard) -> dict:
    return dict(board=board, sections=SECTIONS, cards=CARDS, breakdown=BREAKDOWN, labels=FIGURE_LABELS,
                section_labels=SECTION_LABELS, kind_names=KIND_NAMES, category_name=category_label, text=figure_text,
                link=figure_link,
                charts=charts(board))


def own_path(board: Dashboard, user) -> list:
    """The regions above the area that the user may open (a county user never gets a link to the city)."""
    from app.security.scope import SCOPE_WIDTH, user_scope

    width = SCOPE_WIDTH[user_scope(user)]
    return [region for region in board.path if SCOPE_WIDTH.get(region.level, 9) <= width]


def landing_dashboard(session, user) -> dict | None:
    """The landing page's dashboard: the user's own area, this year to date (None: no area of theirs)."""
    try:
        board = dashboard_for(session, user, None, year_to_date(china_today()))
    except AreaRefused:
        return None
    return {**page_context(board), "path": own_path(board, user)}


class DashboardView(BaseView):
    route_base = "/dashboard"
    base_permissions = ["can_show", "can_export"]
    default_view = "show"

    def _board(self, export=False) -> Dashboard:
        try:
            return dashboard_for(self.appbuilder.session, current_user(), region_from(request.args),
                                 period_from(request.args), export)
        except AreaRefused:
            abort(404)

    @expose("/")
    @has_access
    @permission_name("show")
    def show(self):
        try:
            board = self._board()
        except PeriodInvalid:
            flash(_("The period was not understood: give the first and the last day as 2026-01-31."), "danger")
            return redirect(url_for("DashboardView.show"))
        return self.render_template("tempaid/dashboard.html", **page_context(board),
                                    path=own_path(board, current_user()))

    @expose("/export/")
    @has_access
    @permission_name("export")
    def export(self):
        """The figures, the breakdown, the kinds, the categories, the trend and the 绩效目标表, one sheet each."""
        try:
            board = self._board(export=True)
        except PeriodInvalid:
            abort(400)
        name = f"dashboard-{board.period.start}-{board.period.end}.xlsx"
        return Response(workbook_xlsx(workbook_sheets(board)), mimetype=XLSX_MIMETYPE,
                        headers={"Content-Disposition": f"attachment; filename={name}"})

    @expose("/performance/")
    @has_access
    @permission_name("export")
    def performance(self):
        """The 绩效目标表 alone: indicator, target, actual, score."""
        try:
            board = self._board(export=True)
        except PeriodInvalid:
            abort(400)
        name = f"performance-{board.period.start}-{board.period.end}.xlsx"
        return Response(workbook_xlsx([performance_sheet(board)]), mimetype=XLSX_MIMETYPE,
                        headers={"Content-Disposition": f"attachment; filename={name}"})


def _title(board: Dashboard, what: str) -> str:
    return f"{board.area.name} {what} {board.period.start} — {board.period.end}"


def performance_sheet(board: Dashboard) -> tuple:
    headers = [_("Indicator"), f"{_('Target')} (%)", f"{_('Actual')} (%)", _("Points"), _("Score")]
    rows = [[str(FIGURE_LABELS[row.indicator]), row.target if row.target is not None else "",
             figure_cell(row.indicator, row.actual), row.points if row.points is not None else "",
             row.score if row.score is not None else ""] for row in board.targets]
    scores = [row.score for row in board.targets if row.score is not None]
    points = [row.points for row in board.targets if row.points is not None]
    total = [_("Total"), "", "", sum(points) if points else "", sum(scores) if scores else ""]
    return (_("Performance targets"), _title(board, _("Performance target table")), headers, rows, total)


def workbook_sheets(board: Dashboard) -> list[tuple]:
    figures = [[str(SECTION_LABELS[section]), str(FIGURE_LABELS[name]), figure_cell(name, board.totals[name])]
               for section, names in SECTIONS for name in names]
    sheets = [(_("Figures"), _title(board, _("Figures")), [_("Section"), _("Figure"), _("Value")], figures, None)]
    columns = [str(FIGURE_LABELS[name]) for name in BREAKDOWN]
    if board.rows:
        rows = [[region.name] + [figure_cell(n, values[n]) for n in BREAKDOWN] for region, values in board.rows]
        total = [_("Total")] + [figure_cell(n, board.totals[n]) for n in BREAKDOWN]
        sheets.append((_("By region"), _title(board, _("By region")), [_("Region")] + columns, rows, total))
    kinds = [[str(KIND_NAMES[kind])] + [figure_cell(n, values[n]) for n in BREAKDOWN]
             for kind, values in board.kinds.items()]
    sheets.append((_("By kind"), _title(board, _("By kind")), [_("Kind")] + columns, kinds, None))
    categories = [[category_label(name)] + [figure_cell(n, values[n]) for n in BREAKDOWN]
                  for name, values in board.categories.items()]
    sheets.append((_("By category"), _title(board, _("By category")), [_("Category")] + columns, categories, None))
    months = [[m.month, m.cases, m.aided, m.paid] for m in board.months]
    sheets.append((_("By month"), _title(board, _("By month")),
                   [_("Month"), _("Cases taken in"), _("Cases aided"), _("Amount paid (yuan)")], months,
                   [_("Total"), sum(m.cases for m in board.months), sum(m.aided for m in board.months),
                    sum((m.paid for m in board.months), start=board.months[0].paid * 0)]))
    sheets.append(performance_sheet(board))
    return sheets


class AccountabilityView(BaseView):
    """责任追究和容错纠错: a supervisor records the cause of an overrun clock or a corrected decision."""

    route_base = "/accountability"
    base_permissions = ["can_record"]

    def _case(self, case_id: int) -> Case:
        user = current_user()
        case = self.appbuilder.session.query(Case).filter(Case.id == case_id, scope_clause(Case, user)).first()
        if case is None:
            abort(404)
        return case

    @expose("/record/<int:case_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("record")
    def record(self, case_id):
        session = self.appbuilder.session
        case = self._case(case_id)
        now = utcnow()
        errors, typed = {}, {}
        if request.method == "POST":
            typed = request.form.to_dict()
            about = typed.get("about", "")
            subject, clock, adjustment = "overdue", None, None
            if about.startswith("clock:"):
                clock = about.removeprefix("clock:")
            elif about.startswith("adjustment:") and about.removeprefix("adjustment:").isdigit():
                subject, adjustment = "corrected", int(about.removeprefix("adjustment:"))
            else:
                subject = ""
            try:
                record(session, case, current_user(), subject, typed.get("cause", ""), typed.get("note", ""),
                       clock=clock, adjustment_id=adjustment, now=now)
                session.commit()
                flash(_("The accountability record is saved; the case trail shows it."), "success")
                return redirect(url_for("CaseView.show", pk=case.id))
            except AccountabilityRefused as exc:
                session.rollback()
                errors[FIELD_OF.get(exc.field, "about")] = refusal(exc.field)
        return self.render_template("tempaid/accountability.html", case=case, errors=errors, typed=typed,
                                    clocks=overrun_clocks(session, case.id, now), adjustments=corrections(session, case.id),
                                    clock_labels=CLOCK_LABELS, cause_labels=CAUSE_LABELS, causes=CAUSES), \
            400 if errors else 200


FIELD_OF = {"subject": "about", "clock": "about", "adjustment": "about", "cause": "cause", "note": "note", None: "about"}


def refusal(field: str | None) -> str:
    return {
        "subject": _("Choose the overdue clock or the corrected decision this record is about."),
        "clock": _("Choose the overdue clock or the corrected decision this record is about."),
        "adjustment": _("Choose the overdue clock or the corrected decision this record is about."),
        "cause": _("Choose one of the three causes."),
        "note": _("Say in a note what happened (at most 1000 characters)."),
    }.get(field, _("This case is outside your jurisdiction."))
