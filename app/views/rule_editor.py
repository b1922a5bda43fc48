"""The rule editor: a county's rule administrator changes their county's standards in the browser (the
city's, the city file and its bounds), sees the faults on the fields, the diff and the budget impact,
and saves with a reason; every save is a revision that can be reverted.

Thin: the form comes from :mod:`app.rules.editform`, the edit from :mod:`app.rules.editing`, the checks,
impact and save from :mod:`app.services.rule_edits`. Which file a user may edit follows from their region
(:func:`~app.services.rule_edits.editable_files`); any other file answers 404.
"""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import lazy_gettext as _l

from app.models import RuleRevision
from app.rules.editform import changes_from_form, editor_form, place_faults
from app.rules.editing import FileFaulty, digest_of
from app.rules.jsonout import money
from app.web.request_user import current_user
from app.jobs import enqueue, tasks
from app.services import impact_runs, job_runs, rule_edits
from app.services.deadlines import china_today
from app.services.rules import current_rules
from app.web import rule_labels as labels
from app.web.timefmt import china_time
from app.views.cases import LEVEL_LABELS


def _time(value: dt.datetime | None) -> str:
    return china_time(value)  # SQLite hands back UTC without its zone


class RuleEditorView(BaseView):
    route_base = "/ruleeditor"
    default_view = "index"
    base_permissions = ["can_list", "can_edit"]

    @staticmethod
    def _rules_dir():
        """The directory the app serves its rules from (FAB inspects every attribute at start-up, before
        the store exists: a method, not a property)."""
        return current_app.extensions["tempaid_rules"].rules_dir

    def _files(self) -> dict:
        return rule_edits.editable_files(current_user(), self._rules_dir(), current_rules())

    def _target(self, code: str):
        target = self._files().get(code)
        if target is None:
            abort(404)
        return target

    def _render(self, template: str, **context):
        return self.render_template(template, labels=labels, fmt_time=_time, money=money,
                                    level_labels=LEVEL_LABELS, **context)

    @expose("/")
    @has_access
    @permission_name("list")
    def index(self):
        return self._render("tempaid/rules_files.html", title=_l("Rule editor"), files=self._files())

    @expose("/edit/<code>", methods=["GET", "POST"])
    @has_access
    @permission_name("edit")
    def edit(self, code):
        target = self._target(code)
        today = china_today()
        try:
            rule_file = rule_edits.open_file(self._rules_dir(), target.rel)
        except FileFaulty as exc:
            return self._render("tempaid/rules_edit.html", title=_l("Edit the rules"), target=target, form=None,
                                file_faults=exc.faults, data={}, messages={}, general=[], result=None, error=None)
        posted = request.method == "POST"
        data = request.form if posted else {}
        shown_on = (dt.date.fromisoformat(data["shown_on"]) if posted and _is_date(data.get("shown_on")) else today)
        form = editor_form(rule_file, shown_on)
        result, error = None, None
        if posted:
            if data.get("digest") != rule_file.digest:
                error = labels.problem_text("digest_moved")
            else:
                result, error, saved = self._preview_or_save(target, rule_file, form, data, shown_on, today)
                if saved is not None:
                    return saved
        messages, general = self._messages(form, result)
        if error == labels.problem_text("reason_needed"):
            messages.setdefault("reason", []).append(error)
        return self._render("tempaid/rules_edit.html", title=_l("Edit the rules"), target=target, form=form,
                            groups=_groups(form), data=data, messages=messages, general=general, result=result,
                            error=error, file_faults=None, digest_of=digest_of)

    def _preview_or_save(self, target, rule_file, form, data, shown_on, today):
        """``(preview, error, response)``: the preview to show with an error, or the response of a save.
        A refused save shows the form again with everything typed, never an empty one."""
        session = self.appbuilder.session
        changes = changes_from_form(form, data)
        if data.get("action") == "impact_job":
            return self._impact_job(target, rule_file, changes, shown_on, today)
        saving = data.get("action") == "save"
        result = rule_edits.preview(session, current_rules(), rule_file, changes, shown_on, today,
                                    with_impact=not saving)
        if result.proposal.unchanged and not result.proposal.problems:
            return result, labels.problem_text("unchanged"), None
        if not (saving and result.saveable):
            return result, None, None
        if data.get("proposal_digest") != digest_of(result.proposal.text.encode("utf-8")):
            error = labels.problem_text("not_previewed")
        elif not (data.get("reason") or "").strip():
            error = labels.problem_text("reason_needed")
        else:
            try:
                revision = rule_edits.save(session, current_user(), self._rules_dir(), rule_file.rel,
                                           result.proposal.text, data.get("digest", ""), data.get("reason", ""),
                                           effective=result.proposal.effective, today=today)
            except rule_edits.RuleEditRefused as exc:
                session.rollback()
                error = labels.problem_text(exc.code, exc.message if exc.code == "history" else "")
            else:
                flash(str(_l("Saved: revision %(id)s of %(file)s. Every office uses the new rules within seconds.",
                             id=revision.id, file=revision.file)), "success")
                return result, None, redirect(url_for(".history", code=target.code))
        return rule_edits.preview(session, current_rules(), rule_file, changes, shown_on, today), error, None

    def _impact_job(self, target, rule_file, changes, shown_on, today):
        """Queue the proposal's impact as a background job and go to its page; a proposal with faults
        shows them on the form instead, as a preview does."""
        session = self.appbuilder.session
        result = rule_edits.preview(session, current_rules(), rule_file, changes, shown_on, today, with_impact=False)
        if result.proposal.unchanged and not result.proposal.problems:
            return result, labels.problem_text("unchanged"), None
        if not result.saveable:
            return result, None, None
        as_of = max(result.proposal.effective or today, today)
        run_id = impact_runs.start(current_user().id, target.rel, result.proposal.text, as_of, today, session)
        enqueue(tasks.impact_run, run_id=run_id)
        return result, None, redirect(url_for(".impact_run", code=target.code, run_id=run_id))

    @expose("/impact/<code>/<int:run_id>")
    @has_access
    @permission_name("edit")
    def impact_run(self, code, run_id):
        """The impact run's progress bar (the page refreshes itself until the run ends), then its figures."""
        target = self._target(code)
        run = job_runs.visible(self.appbuilder.session, run_id, current_user())
        if run is None or run.task != impact_runs.TASK or run.params.get("rel") != target.rel:
            abort(404)
        impact = impact_runs.from_json(run.result) if run.state == "succeeded" and run.result else None
        return self._render("tempaid/rules_impact_run.html", title=_l("Impact of the proposed rules"),
                            target=target, run=run, impact=impact, diff="")

    @staticmethod
    def _messages(form, result):
        """Field key → messages (the proposal's refusals and the loader's faults), and the rest."""
        messages: dict[str, list[str]] = {}
        general: list[str] = []
        if result is None:
            return messages, general
        for problem in result.proposal.problems:
            messages.setdefault(problem.field, []).append(labels.problem_text(problem.code, problem.detail))
        placed, rest = place_faults(result.faults, form)
        for key, faults in placed.items():
            messages.setdefault(key, []).extend(labels.fault_text(f) for f in faults)
        general.extend(str(f) for f in rest)
        return messages, general

    @expose("/history/<code>")
    @has_access
    @permission_name("list")
    def history(self, code):
        target = self._target(code)
        revisions = rule_edits.revisions(self.appbuilder.session, [target.rel])
        today = china_today()
        digest = rule_edits.file_digest(self._rules_dir(), target.rel)
        blocked = {r.id: rule_edits.revertible(r, digest, today) for r in revisions}
        return self._render("tempaid/rules_history.html", title=_l("Rule revisions"), target=target,
                            revisions=revisions, blocked=blocked)

    @expose("/revert/<int:revision_id>", methods=["GET", "POST"])
    @has_access
    @permission_name("edit")
    def revert(self, revision_id):
        session = self.appbuilder.session
        revision = session.get(RuleRevision, revision_id)
        files = {f.rel: f for f in self._files().values()}
        if revision is None or revision.file not in files:
            abort(404)
        target = files[revision.file]
        today = china_today()
        refused = rule_edits.revertible(revision, rule_edits.file_digest(self._rules_dir(), revision.file), today)
        if request.method == "POST" and refused is None:
            try:
                saved = rule_edits.revert(session, current_user(), self._rules_dir(), revision,
                                          request.form.get("digest", ""), request.form.get("reason", ""), today)
            except rule_edits.RuleEditRefused as exc:
                session.rollback()
                flash(labels.problem_text(exc.code), "danger")
                return redirect(url_for(".revert", revision_id=revision_id))
            flash(str(_l("Revision %(old)s reverted by revision %(new)s.", old=revision.id, new=saved.id)), "success")
            return redirect(url_for(".history", code=target.code))
        result = None if refused else rule_edits.revert_preview(session, current_rules(), self._rules_dir(), revision,
                                                                today)
        return self._render("tempaid/rules_revert.html", title=_l("Revert a revision"), target=target,
                            revision=revision, refused=refused and labels.problem_text(refused[0]), result=result)


def _groups(form) -> list:
    """The value fields by section, in the schema's order."""
    groups: dict = {}
    for field in form.values:
        key = field.group if field.group in labels.GROUP_LABELS else "other"
        groups.setdefault(key, (labels.group_label(field.group), []))[1].append(field)
    return list(groups.values())


def _is_date(text) -> bool:
    try:
        dt.date.fromisoformat(text or "")
        return True
    except ValueError:
        return False
