"""Saving rule edits: checked, refused on a clash, written atomically, recorded, revertible."""
from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import func, select

from app.models import Region, RuleRevision
from app.rules.editform import changes_from_form, editor_form
from app.rules.editing import RuleFile, digest_of, propose
from app.rules.loader import check_directory
from app.services import rule_edits
from app.services.intake import intake
from tests.rule_edit_support import CITY, QUFU, RENCHENG, served_copy
from tests.support import make_household

TODAY = dt.date.today()
EFFECTIVE = dt.date(TODAY.year + 1, 1, 1)
URBAN = "value:standards.dibao_monthly.urban"


@pytest.fixture()
def rules_dir(app, tmp_path, monkeypatch):
    return served_copy(app, tmp_path, monkeypatch)


def user(app, username):
    return app.appbuilder.sm.find_user(username=username)


def proposal(rules_dir, rel=RENCHENG, **fields):
    rule_file = RuleFile(rules_dir, rel)
    form = editor_form(rule_file, TODAY)
    fields.setdefault("effective", EFFECTIVE.isoformat())
    return rule_file, propose(rule_file, changes_from_form(form, fields), TODAY, TODAY)


def revisions(session) -> int:
    return session.scalar(select(func.count()).select_from(RuleRevision))


def test_a_save_writes_the_file_and_records_the_revision(app, session, rules_dir):
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    revision = rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, edit.text,
                               rule_file.digest, "提高城市低保标准", effective=EFFECTIVE)
    raw = (rules_dir / RENCHENG).read_bytes()
    assert raw.decode("utf-8") == edit.text
    session.expire_all()
    saved = session.get(RuleRevision, revision.id)
    assert (saved.file, saved.region_code, saved.user.username, saved.reason, saved.effective) == (
        RENCHENG, "370811", "rule_admin_370811", "提高城市低保标准", EFFECTIVE)
    assert saved.digest_before == rule_file.digest and saved.digest_after == digest_of(raw)
    assert saved.previous_text == rule_file.text and saved.diff == edit.diff and saved.reverts_id is None
    assert saved.at is not None
    # the saving worker serves the new rules at once
    store = app.extensions["tempaid_rules"]
    assert store.digest == check_directory(rules_dir)[0].digest
    urban = store.current.county("370811").params(EFFECTIVE)["standards.dibao_monthly.urban"]
    assert urban.value == 960


def test_a_file_saved_on_windows_keeps_its_bom_and_line_ends_and_only_the_changed_line_differs(app, session,
                                                                                                   rules_dir):
    import codecs

    path = rules_dir / RENCHENG
    windows = codecs.BOM_UTF8 + path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(windows)
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    changed = [line for line in edit.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == [f"+      {EFFECTIVE.isoformat()}: 960"]
    rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, edit.text, rule_file.digest, "提标",
                    effective=EFFECTIVE)
    saved = path.read_bytes()
    assert saved.startswith(codecs.BOM_UTF8) and saved.count(b"\n") == saved.count(b"\r\n")
    before, after = windows.split(b"\r\n"), saved.split(b"\r\n")
    assert len(after) == len(before) + 1
    added = [line for line in after if line not in before]
    assert added == [f"      {EFFECTIVE.isoformat()}: 960".encode()]
    assert [line for line in after if line != added[0]] == before


def test_an_invalid_proposal_never_reaches_the_disk(app, session, rules_dir):
    rule_file, edit = proposal(rules_dir, **{"value:approval.township_limit": "5000"})  # above the city's 3000
    before = (rules_dir / RENCHENG).read_bytes()
    with pytest.raises(rule_edits.RuleEditRefused) as refused:
        rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, edit.text, rule_file.digest,
                        "x")
    assert refused.value.code == "invalid"
    assert [f.path for f in refused.value.faults] == [f"approval.township_limit.{EFFECTIVE.isoformat()}"]
    assert (rules_dir / RENCHENG).read_bytes() == before
    assert revisions(session) == 0
    broken = edit.text.replace("extends: jining", "extends: [jining")  # not even YAML
    with pytest.raises(rule_edits.RuleEditRefused):
        rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, broken, rule_file.digest, "x")
    assert (rules_dir / RENCHENG).read_bytes() == before


def test_a_save_over_a_change_made_meanwhile_is_refused(app, session, rules_dir):
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    # someone else saves a change after this form was opened
    _, other = proposal(rules_dir, **{"value:standards.dibao_monthly.rural": "760"})
    path = rules_dir / RENCHENG
    path.write_text(other.text, encoding="utf-8")
    with pytest.raises(rule_edits.RuleEditRefused) as refused:
        rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, edit.text, rule_file.digest,
                        "提标")
    assert refused.value.code == "digest_moved" and "changed by someone else" in refused.value.message
    assert path.read_text(encoding="utf-8") == other.text  # the other change is kept
    assert revisions(session) == 0


def test_the_write_is_atomic(app, session, rules_dir, monkeypatch):
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    path = rules_dir / RENCHENG
    before = path.read_bytes()
    renames = []
    real_replace = os.replace

    def failing_replace(src, dst):
        renames.append((os.path.dirname(src), os.path.basename(src), str(dst)))
        # the new content is complete in the temporary file before the rename
        with open(src, encoding="utf-8") as handle:
            assert handle.read() == edit.text
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, edit.text, rule_file.digest,
                        "提标")
    assert renames and renames[0][0] == str(path.parent) and renames[0][2] == str(path)
    assert not renames[0][1].endswith(".yaml")  # the loader never sees a half-made file
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".") and p.suffix == ".tmp") == []
    assert revisions(session) == 0  # the revision committed before the rename is taken back
    monkeypatch.setattr(os, "replace", real_replace)
    rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, edit.text, rule_file.digest, "提标")
    assert path.read_text(encoding="utf-8") == edit.text


def test_a_failed_commit_leaves_the_file_untouched(app, session, rules_dir, monkeypatch):
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    path = rules_dir / RENCHENG
    before = path.read_bytes()

    def broken_commit():
        raise RuntimeError("database gone")

    monkeypatch.setattr(session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        rule_edits.save(session, user(app, "rule_admin_370811"), rules_dir, RENCHENG, edit.text, rule_file.digest,
                        "提标")
    assert path.read_bytes() == before


def test_a_reason_is_required_and_an_empty_change_is_refused(app, session, rules_dir):
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    admin = user(app, "rule_admin_370811")
    with pytest.raises(rule_edits.RuleEditRefused) as refused:
        rule_edits.save(session, admin, rules_dir, RENCHENG, edit.text, rule_file.digest, "  ")
    assert refused.value.code == "reason_needed"
    with pytest.raises(rule_edits.RuleEditRefused) as refused:
        rule_edits.save(session, admin, rules_dir, RENCHENG, rule_file.text, rule_file.digest, "无")
    assert refused.value.code == "unchanged"


def test_a_revision_is_reverted_by_a_new_save(app, session, rules_dir):
    admin = user(app, "rule_admin_370811")
    original = (rules_dir / RENCHENG).read_bytes()
    rule_file, first = proposal(rules_dir, **{URBAN: "960"})
    one = rule_edits.save(session, admin, rules_dir, RENCHENG, first.text, rule_file.digest, "提标", EFFECTIVE)
    rule_file, second = proposal(rules_dir, **{"value:approval.township_limit": "2500"})
    two = rule_edits.save(session, admin, rules_dir, RENCHENG, second.text, rule_file.digest, "降低审批额度", EFFECTIVE)
    digest = rule_edits.file_digest(rules_dir, RENCHENG)
    # only the latest change of the file can be undone; then the one before it is the latest again
    assert rule_edits.revertible(one, digest, TODAY)[0] == "not_latest"
    with pytest.raises(rule_edits.RuleEditRefused):
        rule_edits.revert(session, admin, rules_dir, one, digest, "撤销", TODAY)
    preview = rule_edits.revert_preview(session, app.extensions["tempaid_rules"].current, rules_dir, two, TODAY)
    assert preview.faults == [] and "-approval:" in preview.diff and preview.digest == digest
    undo_two = rule_edits.revert(session, admin, rules_dir, two, digest, "撤销降低审批额度", TODAY)
    assert undo_two.reverts_id == two.id and (rules_dir / RENCHENG).read_text(encoding="utf-8") == first.text
    undo_one = rule_edits.revert(session, admin, rules_dir, one, rule_edits.file_digest(rules_dir, RENCHENG),
                                 "撤销提标", TODAY)
    assert (rules_dir / RENCHENG).read_bytes() == original
    assert [r.id for r in rule_edits.revisions(session, [RENCHENG])] == [undo_one.id, undo_two.id, two.id, one.id]


def test_a_change_already_in_force_is_not_reverted(app, session, rules_dir):
    admin = user(app, "rule_admin_370811")
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    revision = rule_edits.save(session, admin, rules_dir, RENCHENG, edit.text, rule_file.digest, "提标", EFFECTIVE)
    digest = rule_edits.file_digest(rules_dir, RENCHENG)
    assert rule_edits.revertible(revision, digest, TODAY) is None
    assert rule_edits.revertible(revision, digest, EFFECTIVE)[0] == "in_force"  # in force on its first day
    later = EFFECTIVE + dt.timedelta(days=1)
    assert rule_edits.revertible(revision, digest, later)[0] == "in_force"
    with pytest.raises(rule_edits.RuleEditRefused) as refused:
        rule_edits.revert(session, admin, rules_dir, revision, digest, "撤销", later)
    assert refused.value.code == "in_force"


def test_reverting_a_revert_never_brings_back_what_was_withdrawn_before_it_came_into_force(app, session, rules_dir):
    admin = user(app, "rule_admin_370811")
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    raise_ = rule_edits.save(session, admin, rules_dir, RENCHENG, edit.text, rule_file.digest, "提标", EFFECTIVE)
    undo = rule_edits.revert(session, admin, rules_dir, raise_, rule_edits.file_digest(rules_dir, RENCHENG),
                             "撤销提标", TODAY)
    assert undo.effective == EFFECTIVE  # the revert is dated as what it withdrew
    digest = rule_edits.file_digest(rules_dir, RENCHENG)
    later = EFFECTIVE + dt.timedelta(days=30)
    assert rule_edits.revertible(undo, digest, later)[0] == "in_force"
    # nor by saving the old text directly: January was served at 915, it stays 915
    with pytest.raises(rule_edits.RuleEditRefused) as refused:
        rule_edits.save(session, admin, rules_dir, RENCHENG, edit.text, digest, "恢复提标", today=later)
    assert refused.value.code == "history"
    assert f"standards.dibao_monthly.urban {EFFECTIVE.isoformat()}" in refused.value.message
    assert rule_edits.file_digest(rules_dir, RENCHENG) == digest and revisions(session) == 2
    preview = rule_edits.revert_preview(session, app.extensions["tempaid_rules"].current, rules_dir, undo, later)
    assert [(r.county, r.path, r.day) for r in preview.rewrites] == [
        ("370811", "standards.dibao_monthly.urban", EFFECTIVE)] and preview.impact is None
    # before the date comes, the same save is a plain planned change
    assert rule_edits.save(session, admin, rules_dir, RENCHENG, edit.text, digest, "恢复提标", today=TODAY).id


def test_who_edits_which_file(app, session, rules_dir):
    rules = app.extensions["tempaid_rules"].current
    county = rule_edits.editable_files(user(app, "rule_admin_370811"), rules_dir, rules)
    assert {code: f.rel for code, f in county.items()} == {"370811": RENCHENG}
    assert set(rule_edits.editable_files(user(app, "rule_admin_370881"), rules_dir, rules)) == {"370881"}
    city_admin = user(app, "rule_admin_370811")
    city = session.scalar(select(Region).where(Region.code == "370800"))
    city_admin.region = city
    assert {code: f.rel for code, f in rule_edits.editable_files(city_admin, rules_dir, rules).items()} == {"370800": CITY}
    session.rollback()
    everything = rule_edits.editable_files(user(app, "admin"), rules_dir, rules)
    assert len(everything) == len(rules.counties()) + 1 and everything["370881"].rel == QUFU
    assert rule_edits.editable_files(user(app, "township_caseworker_370811"), rules_dir, rules) == {}


def test_the_impact_reads_the_county_applications_of_the_last_twelve_months(app, session, rules_dir):
    from tests.services.test_workflow import CASES

    rules = app.extensions["tempaid_rules"].current
    caseworker = user(app, "township_caseworker_370811")
    recent = (TODAY - dt.timedelta(days=40)).isoformat()
    figures = dict(CASES[0]["figures"], application_date=recent)
    for _ in range(3):
        intake(session, make_household(session, "370811"), figures, caseworker, rules)
    intake(session, make_household(session, "370811"), dict(figures, application_date="2024-01-15"), caseworker, rules)
    intake(session, make_household(session, "370881"), figures, user(app, "township_caseworker_370881"), rules)
    session.flush()
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    result = rule_edits.proposal_impact(session, rules, rules_dir, RENCHENG, edit.text, EFFECTIVE, TODAY)
    assert result.applications == 3 and result.as_of == EFFECTIVE
    # a city change reaches every county that extends the city file
    city_file, city_edit = proposal(rules_dir, CITY, **{"value:aid.emergency_light_cap": "900"})
    assert rule_edits.affected_counties(rules, CITY) == rules.counties()
    assert rule_edits.proposal_impact(session, rules, rules_dir, CITY, city_edit.text, EFFECTIVE, TODAY).applications == 4


def test_the_impact_tells_its_progress_against_the_count_of_applications(app, session, rules_dir, monkeypatch):
    """What a background job shows on its bar: ``(done, total)``, the total counted in SQL first."""
    from app.rules import impact as impact_module
    from tests.services.test_workflow import CASES

    rules = app.extensions["tempaid_rules"].current
    caseworker = user(app, "township_caseworker_370811")
    figures = dict(CASES[0]["figures"], application_date=(TODAY - dt.timedelta(days=10)).isoformat())
    for _ in range(5):
        intake(session, make_household(session, "370811"), figures, caseworker, rules)
    session.flush()
    monkeypatch.setattr(impact_module, "PROGRESS_EVERY", 2)
    calls = []
    rule_file, edit = proposal(rules_dir, **{URBAN: "960"})
    result = rule_edits.proposal_impact(session, rules, rules_dir, RENCHENG, edit.text, EFFECTIVE, TODAY,
                                        progress=lambda done, total: calls.append((done, total)))
    assert result.applications == 5
    assert calls == [(0, 5), (2, 5), (4, 5), (5, 5)]
