"""Case screens: lists with deadline markers, the case page with its verdict, trail, payments and the
transitions the user may take, and the one-time notification (一次性告知) to print.

The "Mark paid" step is offered only once the payments cover the approved amount (the workflow's guard);
until then the page links to recording a payment for who may pay."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.decorators import permission_name
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models import Case
from app.models.audit import utcnow
from app.rules import InputError
from app.web import viewer as masking
from app.web.jurisdiction import COUNTIES_IN_SCOPE, TOWNSHIPS_IN_SCOPE
from app.web.request_user import current_user
from app.services.deadlines import CST, as_utc, status
from app.services.payments import may_pay, payable_states
from app.services.posting import PostingRefused, record_objection, resolve_objection
from app.views.posting import posting_context
from app.services.reversals import case_payments
from app.services.rules import current_rules
from app.services.trail import case_trail
from app.services.workflow import (
    TransitionRefused,
    adjust,
    available,
    may_adjust,
    reevaluate,
    settled_states,
    take,
)
from app.services.workflow_def import workflow
from app.views.base import RegionColumnsMixin, ScopedInterface, ScopedModelView
from app.services.rules_as_decided import revision_of
from app.views.due_list import DueListWidget, export_rows, merged_rows, overdue_count
from app.web.lead_labels import STATES as STATE_WORDS
from app.views.refusals import commit_or_refuse, refusal_text

from app.web.labels import CASE_LABELS, DEADLINE_LABELS  # noqa: F401 (shared with the API and the reminders)
from app.web.case_words import CHECK_LABELS, category_label  # noqa: F401 (the screens read them here)
KIND_LABELS = {"expenditure": _l("Expenditure"), "emergency": _l("Emergency")}
LEVEL_LABELS = {"township": _l("Township"), "county": _l("County"),
                "county_leading_group": _l("County leading group")}
SEVERITY_LABELS = {"light": _l("Light"), "heavy": _l("Heavy"), "major": _l("Major hardship")}
#: what the trail records besides the workflow's own transitions (named by their labels)
ACTION_LABELS = {"intake": _l("Taken in"), "create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
                 "payment": _l("Payment recorded"), "reverse": _l("Payment reversed"),
                 "adjust": _l("Amount adjusted"), "reevaluate": _l("Verdict computed again"),
                 "objection": _l("Objection recorded"), "resolve_objection": _l("Objection resolved")}
SOON = dt.timedelta(days=3)
MARKERS = {"overdue": ("label-danger", _l("Overdue")), "due_soon": ("label-warning", _l("Due soon")),
           "open": ("label-default", ""), "none": ("", "")}


def state_label(state: str) -> str:
    zh, en = workflow().states.get(state, (state, state))
    return zh if str(get_locale()).startswith("zh") else en


def transition_label(transition) -> str:
    return transition.label_zh if str(get_locale()).startswith("zh") else transition.label_en


def trail_time(iso: str) -> str:
    """A trail entry's time (stored in UTC) in China Standard Time, to the minute."""
    return as_utc(dt.datetime.fromisoformat(iso)).astimezone(CST).strftime("%Y-%m-%d %H:%M")


def action_label(case, action: str) -> str:
    """A trail entry's action by name: a transition's label from config/workflow.yaml, else the word for it."""
    transition = workflow().flow_of(case).transitions.get(action)
    if transition is not None:
        return transition_label(transition)
    return str(ACTION_LABELS.get(action, action))


def due_marker(due_at: dt.datetime | None) -> Markup:
    """The due time in China Standard Time, marked overdue (red) or due soon (amber)."""
    if due_at is None:
        return Markup("")
    css, text = MARKERS[status(due_at, utcnow())]
    shown = as_utc(due_at).astimezone(CST).strftime("%Y-%m-%d %H:%M")
    return Markup('<span class="label {}">{}</span> {}').format(css, text, shown) if css else Markup(shown)


def person_name(user) -> str:
    """A person by name (the login name is never shown)."""
    if user is None:
        return ""
    if str(get_locale()).startswith("zh"):
        return f"{user.first_name or ''}{user.last_name or ''}"
    return " ".join(part for part in (user.first_name, user.last_name) if part)


def money_or_blank(value) -> str:
    from app.views.trail_text import money

    return "" if value is None else money(value)


def revision_words(revision) -> str:
    """Which rules the verdict read, in words: the county and the save of its rule file (number and day),
    or the file as first installed — never the digest that identifies them."""
    if revision is None:
        return ""
    if revision.number == 0:
        return str(_l("%(county)s rules, as first installed", county=revision.county))
    return str(_l("%(county)s rules, revision %(number)s of %(date)s", county=revision.county,
                  number=revision.number, date=revision.saved_on.isoformat()))


#: the field of the case page's step form each refusal belongs to (others are shown above the buttons)
REFUSAL_FIELDS = {"amount_invalid": "amount", "above_maximum": "amount", "above_pre_assist_limit": "amount",
                  "date_invalid": "date"}


#: refusals of a step worded with their figures (the service's sentence is English)
FIGURED_REFUSALS = {
    "above_maximum": _l("%(amount)s yuan is above the verdict's maximum of %(limit)s yuan: give a reason, and a "
                        "higher approver decides."),
    "above_pre_assist_limit": _l("%(amount)s yuan is above the county's limit for pre-assistance of %(limit)s yuan: "
                                 "give at most the limit now, the rest is decided at registration."),
}


def step_refusal(exc) -> str:
    """A refused step in the user's language, with the figures it names."""
    from app.views.trail_text import money

    sentence = FIGURED_REFUSALS.get(exc.code)
    figures = getattr(exc, "figures", None) or {}
    if sentence is not None and {"amount", "limit"} <= set(figures):
        return str(sentence) % {"amount": money(figures["amount"]), "limit": money(figures["limit"])}
    return refusal_text(exc)


def refusal_field(code: str) -> str | None:
    if code.startswith("field_required:"):
        return code.split(":", 1)[1]
    return REFUSAL_FIELDS.get(code)


class CaseView(RegionColumnsMixin, ScopedModelView):
    datamodel = ScopedInterface(Case)
    base_permissions = ["can_list", "can_show", "can_export", "can_transition"]
    list_title = _l("Cases")
    show_title = _l("Case")
    show_template = "tempaid/case_show.html"
    region_list_columns = ["number", "household", "county", "township", "kind", "category", "state", "approval_level",
                           "suggested_amount", "due_at"]
    show_columns = ["number", "household", "county", "township", "kind", "category", "severity", "state",
                    "application_date", "eligible", "approval_level", "suggested_amount", "maximum_amount",
                    "approved_amount", "due_at", "created_by", "created_at", "incident_place",
                    "incident"]
    export_columns = ["number", "household", "county", "township", "kind", "category", "state", "approval_level",
                      "suggested_amount", "approved_amount", "application_date", "due_at"]
    search_columns = ["number", "state", "kind", "category", "county", "township", "application_date", "due_at"]
    order_columns = ["number", "application_date", "due_at", "suggested_amount"]
    base_order = ("due_at", "asc")
    label_columns = CASE_LABELS
    search_form_query_rel_fields = {"township": TOWNSHIPS_IN_SCOPE, "county": COUNTIES_IN_SCOPE}
    formatters_columns = {
        "state": state_label, "kind": lambda v: KIND_LABELS.get(v, v),
        "approval_level": lambda v: LEVEL_LABELS.get(v, v or ""),
        "category": category_label, "due_at": due_marker,
        "severity": lambda v: SEVERITY_LABELS.get(v, v or ""),
        "eligible": lambda v: "" if v is None else (_l("Yes") if v else _l("No")),
        "created_at": lambda v: v and as_utc(v).astimezone(CST).strftime("%Y-%m-%d %H:%M"),
        "created_by": lambda v: person_name(v),
        "suggested_amount": lambda v: money_or_blank(v), "maximum_amount": lambda v: money_or_blank(v),
        "approved_amount": lambda v: money_or_blank(v),
        "incident_place": lambda v: v or "", "incident": lambda v: v or "",
    }

    def _case_or_404(self, pk) -> Case:
        case = self.datamodel.get(pk, self._base_filters)
        if case is None:
            abort(404)
        return case

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        return self._render_case(pk, self._case_or_404(pk))

    def _render_case(self, pk, case: Case, step: str | None = None, typed: dict | None = None,
                     refusal: tuple[str | None, str] | None = None):
        """The case page; after a refused step, that step's form again with what was typed and the
        refusal on its field (``refusal``: (field or None, sentence))."""
        from app.views import case_values
        from app.views.payments import method_label  # that module builds on this one
        from app.views.trail_text import trail_lines

        widgets = self._show(pk)
        user = current_user()
        session = self.datamodel.session
        lines = case_payments(session, case, user) if case.decided else None
        settled = case.state in settled_states(workflow().flow_of(case))
        trail = case_trail(session, case.id, masking.viewer_sees_whole())
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets, related_views=[],
            case=case, transitions=available(case, user), can_adjust=may_adjust(case, user),
            settled=settled, lines=lines, method_label=method_label, check_labels=CHECK_LABELS,
            deadline_labels=DEADLINE_LABELS,
            checks=case_values.check_rows(case.verdict, CHECK_LABELS),
            deadlines=case_values.deadline_rows(case.deadlines, DEADLINE_LABELS),
            warnings=[case_values.warning_text(w) for w in case.warnings or []],
            notes=[case_values.note_text(n) for n in case.verdict.get("notes", [])],
            amount=case_values.amount_text(case.verdict.get("amount")), money=money_or_blank,
            may_record=lines is not None and may_pay(case, user) and case.state in payable_states(case)
            and not lines.progress.complete,
            trail=trail_lines(session, case, trail), step=step, typed=typed or {}, refusal=refusal,
            rules_read=revision_words(revision_of(session, case, current_rules(), CST)),
            today=utcnow().astimezone(CST).date().isoformat(),
            colon="：" if str(get_locale()).startswith("zh") else ": ",
            state_label=state_label, transition_label=transition_label, due_marker=due_marker,
            **posting_context(self.datamodel.session, case, user),
        )

    @expose("/objection/<pk>", methods=["POST"])
    @has_access
    @permission_name("transition")
    def objection(self, pk):
        """Record an objection (异议) raised during the case's posting (公示)."""
        case = self._case_or_404(pk)
        return self._posting_step(pk, record_objection, case, current_user(), request.form.get("raised_by", ""),
                                  request.form.get("content", ""), done=_l("The objection was recorded."))

    @expose("/objection/<pk>/<int:objection_id>/resolve", methods=["POST"])
    @has_access
    @permission_name("transition")
    def resolve_objection(self, pk, objection_id):
        case = self._case_or_404(pk)
        return self._posting_step(pk, resolve_objection, case, objection_id, current_user(),
                                  request.form.get("resolution", ""), done=_l("The objection was resolved."))

    def _posting_step(self, pk, step, *args, done):
        session = self.datamodel.session
        return commit_or_refuse(session, lambda: step(session, *args), done, PostingRefused, url_for(".show", pk=pk))

    @expose("/transition/<pk>/<name>", methods=["POST"])
    @has_access
    @permission_name("transition")
    def transition(self, pk, name):
        """Take one transition with the fields from the case page's form; a refused step shows the page
        again with what was typed and the refusal on its field."""
        case = self._case_or_404(pk)
        fields = {key: request.form.get(key, "").strip() for key in ("reason", "amount", "note", "date")}
        try:
            take(self.datamodel.session, case, name, current_user(), fields, current_rules())
            self.datamodel.session.commit()
            flash(str(_l("Done: %(state)s", state=state_label(case.state))), "success")
        except (TransitionRefused, InputError) as exc:
            self.datamodel.session.rollback()
            code = getattr(exc, "code", "input")
            refused = (refusal_field(code), step_refusal(exc) if isinstance(exc, TransitionRefused) else
                       str(_l("The figures of the case are incomplete: %(field)s", field=exc.field)))
            return self._render_case(pk, self._case_or_404(pk), step=name, typed=fields, refusal=refused), 422
        return redirect(url_for(".show", pk=pk))

    @expose("/basis")
    @has_access
    @permission_name("show")
    def basis(self):
        """依据: the rule file a verdict's figure comes from, its line marked (``?source=jining.yaml:66``).
        Only the loaded rule files are shown: the policy figures are no secret, other files are none of
        this page's business."""
        rules = current_rules()
        file, _, line = request.args.get("source", "").rpartition(":")
        known = {rules.county(code).file for code in rules.counties()} | \
            {rules.county(code).city_file for code in rules.counties()}
        if file not in known or not line.isdigit():
            abort(404)
        from pathlib import Path

        text = (Path(current_app.config["RULES_DIR"]) / file).read_text(encoding="utf-8")
        return self.render_template("tempaid/rules_basis.html", file=file, line=int(line),
                                    lines=list(enumerate(text.splitlines(), start=1)),
                                    title=_l("Rule basis"))

    @expose("/reevaluate/<pk>", methods=["POST"])
    @has_access
    @permission_name("transition")
    def reevaluate(self, pk):
        case, session = self._case_or_404(pk), self.datamodel.session
        return commit_or_refuse(session, lambda: reevaluate(session, case, current_user(), current_rules()),
                                _l("The verdict was computed again with the rules in force."),
                                (TransitionRefused, InputError), url_for(".show", pk=pk))

    @expose("/adjust/<pk>", methods=["POST"])
    @has_access
    @permission_name("transition")
    def adjust(self, pk):
        case = self._case_or_404(pk)
        typed = {key: request.form.get(key, "").strip() for key in ("amount", "reason")}
        try:
            adjust(self.datamodel.session, case, typed["amount"], typed["reason"], current_user(),
                   current_rules())
            self.datamodel.session.commit()
            flash(str(_l("The adjustment was recorded.")), "success")
        except TransitionRefused as exc:
            self.datamodel.session.rollback()
            refused = (None, step_refusal(exc))  # shown above the steps; the form keeps what was typed
            return self._render_case(pk, self._case_or_404(pk), step="adjust", typed=typed, refusal=refused), 422
        return redirect(url_for(".show", pk=pk))

    @expose("/notice/<pk>")
    @has_access
    @permission_name("show")
    def notice(self, pk):
        """一次性告知: the documents the applicant must bring, printable."""
        case = self._case_or_404(pk)
        category = next((c for c in current_rules().categories(case.county.code)
                         if f"{c.kind}:{c.code}" == case.category), None)
        return self.render_template("tempaid/notice.html", case=case, category=category,
                                    county=case.county, household=case.household,
                                    zh=str(get_locale()).startswith("zh"))


class DueWithinFilter(BaseFilter):
    """Cases whose earliest open deadline falls before now + the given span (overdue included)."""

    name = "Due within"
    arg_name = "due_within"

    def apply(self, query, span: dt.timedelta):
        return query.filter(self.model.due_at.is_not(None), self.model.due_at <= utcnow() + span)


class DueCaseView(CaseView):
    """Cases due within three days or overdue, in the user's jurisdiction, soonest first."""

    route_base = "/duecases"
    list_title = _l("Due soon and overdue")
    base_permissions = ["can_list", "can_export"]
    base_filters = CaseView.base_filters + [["due_at", DueWithinFilter, SOON],
                                            ["state", FilterNotEqual, "closed"]]
    list_widget = DueListWidget

    def _may_list_leads(self) -> bool:
        return self.appbuilder.sm.has_access("can_list", "LeadInboxView")

    def _export_table(self) -> tuple[list[str], list[list]]:
        """The list's export, with the overdue leads the page shows among the cases."""
        columns = self.export_columns
        headers = [str(self.label_columns.get(c, c)) for c in columns]
        items = self._export_items()
        if not self._may_list_leads():
            return headers, [[self._export_cell(item, c) for c in columns] for item in items]
        return headers, export_rows(self.datamodel.session, items,
                                    lambda item: [self._export_cell(item, c) for c in columns], columns,
                                    lambda due: self._export_cell(SimpleNamespace(due_at=due), "due_at"))

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        """FAB's page of cases, with the overdue leads of its stretch of due times merged in
        (:mod:`app.views.due_list`)."""
        widgets = super()._get_list_widget(filters, actions=actions, order_column=order_column,
                                           order_direction=order_direction, page=page, page_size=page_size,
                                           widgets=widgets, **kwargs)
        args = widgets["list"].template_args
        args["value_columns"] = list(args["value_columns"])  # FAB hands a generator, read once
        rows = [("case", i) for i in range(len(args["value_columns"]))]
        if self._may_list_leads():
            page, size = page or 0, args["page_size"] or self.page_size
            by_due = (order_column or self.base_order[0]) == "due_at" and (order_direction or "asc") == "asc"
            last_page = (page + 1) * size >= args["count"]
            dues = [row.get("due_at") for row in args["value_columns"]]
            up_to = None if last_page or not dues else as_utc(dues[-1])
            after = None
            if page > 0:
                _count, before = self.datamodel.query(filters.get_joined_filters(self._base_filters), "due_at",
                                                      "asc", page=page * size - 1, page_size=1)
                after = as_utc(before[0].due_at) if before and before[0].due_at else None
            rows = merged_rows(self.datamodel.session, args["value_columns"], (after, up_to), by_due)
        args["due_rows"] = rows
        args["lead_count"] = overdue_count(self.datamodel.session) if self._may_list_leads() else 0
        args["lead_state"] = lambda state: STATE_WORDS[state]
        args["lead_category"] = category_label
        args["due_marker"] = due_marker
        args["lead_person"] = lambda lead: masking.shown("name", lead.person_name)
        return widgets
