"""``/api/v1/rules/``: the rule editor for programs — a county's rule file (its text and revisions), a
change previewed (the faults, or the diff), saved, and its impact measured in the background.

Thin, over the services the screens use (:mod:`app.services.rule_edits`, :mod:`app.services.impact_runs`),
with the screen's guards: which file a user may touch follows from their region (any other answers 404,
as on the screen); a change is written against the file's digest, and a file saved meanwhile refuses it
with 409; a proposal with faults, or one that would change values already in force, is never saved.
"""
from __future__ import annotations

from flask import current_app, jsonify
from flask_appbuilder.api import BaseApi, expose, protect, safe

from app.jobs import enqueue, tasks
from app.rules.editing import CategoryEdit, Changes, FileFaulty
from app.services import impact_runs, job_runs, rule_edits
from app.services.deadlines import china_today
from app.services.rules import current_rules
from app.web import rule_labels as labels
from app.web.bodies import body_object
from app.web.errors import ApiRefusal
from app.web.openapi import documented
from app.web.request_user import current_user
from app.web.schemas import rules as schemas
from app.web.schemas.base import load_body
from app.web.server_errors import API_MESSAGES

CODE = {"in": "path", "name": "code", "required": True, "description": "the region's code (a county, the city)",
        "schema": {"type": "string", "pattern": "^[0-9]{6}$", "example": "370811"}}
EXAMPLE = {"digest": "…", "effective": "2027-01-01", "values": {"standards.dibao_monthly.urban": "960"}}


def _category(edit: dict) -> CategoryEdit:
    return CategoryEdit(edit["kind"].strip(), edit["code"].strip(), edit["name"], list(edit["documents"]),
                        edit["tiers"].strip(), edit.get("remove", False), edit["name_en"])


def changes_of(body: dict) -> Changes:
    """The loaded body as the editor's :class:`Changes` (what the form would have posted)."""
    rows = lambda found: [(row["start"], row["multiplier"]) for row in found]  # noqa: E731
    return Changes(
        effective=body.get("effective"), values=dict(body["values"]),
        settings={**{path: list(chosen) for path, chosen in body["settings"].items()}, **body["flags"]},
        tables={name: rows(found) for name, found in body["tables"].items()},
        categories=[_category(edit) for edit in body["categories"]],
        new_category=_category(body["new_category"]) if body["new_category"] else None,
        withdrawals=[(f"withdraw:{w['path']}", w["path"], w["day"]) for w in body["withdrawals"]],
        new_table=(body["new_table"]["name"].strip(), rows(body["new_table"]["rows"])) if body["new_table"] else None,
        raised=dict(body["raised"]), bounds={path: (b["min"], b["max"]) for path, b in body["bounds"].items()})


def _revision(revision) -> dict:
    return {"id": revision.id, "at": revision.at, "user": revision.user.username if revision.user else None,
            "reason": revision.reason, "effective": revision.effective, "diff": revision.diff,
            "digest_before": revision.digest_before, "digest_after": revision.digest_after,
            "reverts_id": revision.reverts_id}


def _preview(result: rule_edits.Preview, digest: str) -> dict:
    proposal = result.proposal
    worded = lambda p: {"field": p.field, "code": p.code, "message": labels.problem_text(p.code, p.detail)}  # noqa: E731
    return {"saveable": result.saveable, "unchanged": proposal.unchanged, "digest": digest,
            "effective": proposal.effective, "changed": list(proposal.changed), "diff": proposal.diff,
            "problems": [worded(p) for p in proposal.problems],
            "faults": [{"file": f.file, "line": f.line, "column": f.column, "path": f.path, "found": str(f.found),
                        "expected": str(f.expected), "message": labels.fault_text(f)} for f in result.faults],
            "rewrites": [{"county": r.county, "path": r.path, "day": r.day} for r in result.rewrites],
            "notes": [{"field": n.field, "code": n.code, "message": labels.note_text(n)} for n in proposal.notes]}


def _refused(result: rule_edits.Preview) -> ApiRefusal | None:
    """Why a previewed change may not be saved or measured (the first reason), or None."""
    proposal = result.proposal
    if proposal.problems:
        problem = proposal.problems[0]
        return ApiRefusal(422, problem.code, labels.problem_text(problem.code, problem.detail), problem.field)
    if result.faults:
        return ApiRefusal(422, "invalid", labels.fault_text(result.faults[0]), result.faults[0].path)
    if result.rewrites:
        return ApiRefusal(409, "history", labels.problem_text("history", rule_edits.rewrites_text(result.rewrites)))
    if proposal.unchanged:
        return ApiRefusal(400, "unchanged", labels.problem_text("unchanged"))
    return None


class RuleEditorApi(BaseApi):
    resource_name = "rules"
    class_permission_name = "RuleEditorApi"
    allow_browser_login = True
    base_permissions = ["can_get", "can_edit"]
    method_permission_name = {"files": "get", "show": "get", "preview": "edit", "save": "edit",
                              "impact": "edit", "impact_run": "edit"}
    openapi_spec_tag = "Rule editor"

    @staticmethod
    def _rules_dir():
        return current_app.extensions["tempaid_rules"].rules_dir

    def _target(self, code: str) -> rule_edits.EditableFile:
        target = rule_edits.editable_files(current_user(), self._rules_dir(), current_rules()).get(code)
        if target is None:
            raise ApiRefusal(404, *API_MESSAGES[404])
        return target

    def _opened(self, target):
        try:
            return rule_edits.open_file(self._rules_dir(), target.rel)
        except FileFaulty as exc:
            raise ApiRefusal(409, "file_faulty", labels.fault_text(exc.faults[0])) from None

    def _proposal(self, code: str, schema):
        """``(target, file, body, preview)`` of the change in the body; a file saved since the caller read it
        (another digest) is refused with 409 before anything is proposed, as on the screen."""
        target = self._target(code)
        body = load_body(schema, body_object())
        rule_file = self._opened(target)
        if body["digest"] != rule_file.digest:
            raise ApiRefusal(409, "digest_moved", labels.problem_text("digest_moved"), "digest")
        today = china_today()
        result = rule_edits.preview(self.appbuilder.session, current_rules(), rule_file, changes_of(body),
                                    body.get("shown_on") or today, today, with_impact=False)
        return target, rule_file, body, result

    def _acceptable(self, code: str, schema):
        """:meth:`_proposal` of a change that may be saved: one with faults or nothing to save is refused."""
        target, rule_file, body, result = self._proposal(code, schema)
        refused = _refused(result)
        if refused is not None:
            raise refused
        return target, rule_file, body, result

    @expose("/", methods=["GET"])
    @documented("The rule files you may edit", method="get", reply=schemas.RuleFiles, errors=(),
                description="A county's rule administrator their county's file; the city's the city file.")
    @protect()
    @safe
    def files(self):
        found = rule_edits.editable_files(current_user(), self._rules_dir(), current_rules())
        return _answer(200, schemas.RuleFiles().dump(
            {"result": [vars(f) | {"file": f.rel} for f in sorted(found.values(), key=lambda f: f.code)]}))

    @expose("/<code>", methods=["GET"])
    @documented("A rule file: its current text, digest and revisions", method="get", reply=schemas.RuleFileAnswer,
                errors=(404, 409), parameters=[CODE])
    @protect()
    @safe
    def show(self, code):
        target = self._target(code)
        rule_file = self._opened(target)
        revisions = rule_edits.revisions(self.appbuilder.session, [target.rel])
        return _answer(200, schemas.RuleFileAnswer().dump(
            {**vars(target), "file": target.rel, "digest": rule_file.digest, "text": rule_file.text,
             "revisions": [_revision(r) for r in revisions]}))

    @expose("/<code>/preview", methods=["POST"])
    @documented("Preview a change: its faults, or the diff of the file", body=schemas.RuleChangeBody,
                reply=schemas.RulePreview, errors=(400, 404, 409), parameters=[CODE], example=EXAMPLE,
                description="Nothing is saved. ``saveable`` says whether a save of the same body would pass.")
    @protect()
    @safe
    def preview(self, code):
        _target, rule_file, _body, result = self._proposal(code, schemas.RuleChangeBody)
        return _answer(200, schemas.RulePreview().dump(_preview(result, rule_file.digest)))

    @expose("/<code>/save", methods=["POST"])
    @documented("Save a change as a new revision", body=schemas.RuleSaveBody, reply=schemas.RuleSaved, status=201,
                errors=(400, 404, 409), parameters=[CODE], example={**EXAMPLE, "reason": "2027年城市低保标准调整"},
                description="Refused with 409 when the file changed after you read it (``digest_moved``) or the "
                            "change would alter values already in force (``history``); with 422 when the change "
                            "has faults (the first one named). Every office uses the new rules within seconds.")
    @protect()
    @safe
    def save(self, code):
        _target, rule_file, body, result = self._acceptable(code, schemas.RuleSaveBody)
        session = self.appbuilder.session
        try:
            revision = rule_edits.save(session, current_user(), self._rules_dir(), rule_file.rel,
                                       result.proposal.text, body["digest"], body["reason"],
                                       effective=result.proposal.effective, today=china_today())
        except rule_edits.RuleEditRefused as exc:
            session.rollback()
            status = 409 if exc.code in ("digest_moved", "history") else 422 if exc.code == "invalid" else 400
            raise ApiRefusal(status, exc.code, labels.problem_text(exc.code, exc.message if exc.code == "history"
                                                                   else "")) from None
        return _answer(201, schemas.RuleSaved().dump(
            {"revision": _revision(revision), "digest": revision.digest_after}))

    @expose("/<code>/impact", methods=["POST"])
    @documented("Measure a change's impact in the background", body=schemas.RuleChangeBody,
                reply=schemas.ImpactRun, status=202, errors=(400, 404, 409), parameters=[CODE], example=EXAMPLE,
                description="The change is checked as a save would be, then its impact over the last twelve "
                            "months' applications is queued; read its progress and figures at "
                            "``GET /api/v1/rules/{code}/impact/{run_id}``.")
    @protect()
    @safe
    def impact(self, code):
        target, _file, _body, result = self._acceptable(code, schemas.RuleChangeBody)
        today = china_today()
        session = self.appbuilder.session
        run_id = impact_runs.start(current_user().id, target.rel, result.proposal.text,
                                   max(result.proposal.effective or today, today), today, session)
        enqueue(tasks.impact_run, run_id=run_id)
        return _answer(202, schemas.ImpactRun().dump(_run(job_runs.visible(session, run_id, current_user()))))

    @expose("/<code>/impact/<int:run_id>", methods=["GET"])
    @documented("An impact run: its progress, then its figures", method="get", reply=schemas.ImpactRun,
                errors=(404,), parameters=[CODE],
                description="Only the user who asked sees the run (and an administrator).")
    @protect()
    @safe
    def impact_run(self, code, run_id):
        target = self._target(code)
        run = job_runs.visible(self.appbuilder.session, run_id, current_user())
        if run is None or run.task != impact_runs.TASK or run.params.get("rel") != target.rel:
            raise ApiRefusal(404, *API_MESSAGES[404])
        return _answer(200, schemas.ImpactRun().dump(_run(run)))


def _answer(status: int, data: dict):
    """A dumped answer (FAB's ``self.response(code, **data)`` cannot carry a field named ``code``)."""
    response = jsonify(data)
    response.status_code = status
    return response


def _run(run) -> dict:
    figures = None
    if run.state == "succeeded" and run.result:
        impact = impact_runs.from_json(run.result)
        figures = {**vars(impact), "difference": impact.difference}
    return {"id": run.id, "state": run.state, "percent": run.percent, "done": run.progress_done,
            "total": run.progress_total, "queued_at": run.queued_at, "finished_at": run.finished_at,
            "error": run.error, "result": figures}
