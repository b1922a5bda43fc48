"""The rule editor over HTTP (``/api/v1/rules/``): a county's rule administrator reads their county's file
and its revisions, previews a change (its faults, or the diff), saves it against the digest they read
(a file saved meanwhile is a 409, as on the screen), and measures its impact in the background; another
county's file is not theirs (404), a role without the editor is refused (403), and a malformed body is a
422 naming its field. Every answer here is checked against the OpenAPI document (conftest)."""
from __future__ import annotations

import datetime as dt
import hashlib
import time

import pytest
from sqlalchemy import func, select

from app.models import RuleRevision
from app.rules.inputs import CST
from tests.api.test_cases import bearer
from tests.jobs.conftest import celery, runs  # noqa: F401 — the impact run's fixtures
from tests.rule_edit_support import RENCHENG, served_copy
from tests.services.test_workflow import user

TODAY = dt.datetime.now(CST).date()
EFFECTIVE = dt.date(TODAY.year + 1, 1, 1)
URBAN = "standards.dibao_monthly.urban"
ADMIN = "rule_admin_370811"


@pytest.fixture()
def rules_dir(app, tmp_path, monkeypatch):
    return served_copy(app, tmp_path, monkeypatch)


@pytest.fixture()
def api(app, rules_dir):
    headers = bearer(app, ADMIN)
    client = app.test_client()

    def call(method: str, path: str, **kwargs):
        return getattr(client, method)(f"/api/v1/rules/{path}", headers=headers, **kwargs)
    return call


def _digest(rules_dir) -> str:
    return hashlib.sha256((rules_dir / RENCHENG).read_bytes()).hexdigest()


def _raise_urban(rules_dir, value: str = "990", **more) -> dict:
    return {"digest": _digest(rules_dir), "effective": EFFECTIVE.isoformat(), "values": {URBAN: value}, **more}


def test_the_administrator_lists_and_reads_their_county_file_only(api, rules_dir):
    files = api("get", "").get_json()["result"]
    assert [(f["code"], f["file"], f["role"]) for f in files] == [("370811", RENCHENG, "county")]
    answer = api("get", "370811")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["text"] == (rules_dir / RENCHENG).read_text(encoding="utf-8-sig")
    assert body["digest"] == _digest(rules_dir) and body["revisions"] == []


def test_another_county_file_is_not_theirs(api, rules_dir):
    """任城区's administrator neither reads nor changes 曲阜市's file: as if it did not exist."""
    assert api("get", "370881").status_code == 404
    qufu = {"digest": "0" * 64, "values": {URBAN: "990"}, "effective": EFFECTIVE.isoformat()}
    for action in ("preview", "impact"):
        answer = api("post", f"370881/{action}", json=qufu)
        assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"
    assert api("post", "370881/save", json={**qufu, "reason": "越权"}).status_code == 404


@pytest.mark.parametrize("username", ["township_caseworker_370811", "county_approver_370811"])
def test_a_role_without_the_editor_is_refused(app, rules_dir, username):
    answer = app.test_client().get("/api/v1/rules/370811", headers=bearer(app, username))
    assert answer.status_code == 403
    assert answer.get_json()["error"]["code"] == "forbidden"


def test_a_preview_shows_the_diff_and_saves_nothing(api, rules_dir):
    before = (rules_dir / RENCHENG).read_bytes()
    answer = api("post", "370811/preview", json=_raise_urban(rules_dir))
    assert answer.status_code == 200
    preview = answer.get_json()
    assert preview["saveable"] is True and preview["faults"] == preview["problems"] == []
    assert preview["effective"] == EFFECTIVE.isoformat() and preview["changed"] == [f"value:{URBAN}"]
    assert any(line.startswith("+") and "990" in line for line in preview["diff"].splitlines())
    assert (rules_dir / RENCHENG).read_bytes() == before


def test_a_preview_names_the_faults_and_the_missing_date(api, rules_dir):
    faulty = api("post", "370811/preview", json=_raise_urban(rules_dir, "-5")).get_json()
    assert faulty["saveable"] is False and faulty["diff"]
    assert faulty["faults"] and all(f["path"].startswith(URBAN) and f["message"] for f in faulty["faults"])
    undated = api("post", "370811/preview", json={"digest": _digest(rules_dir), "values": {URBAN: "990"}}).get_json()
    assert undated["saveable"] is False
    assert [(p["field"], p["code"]) for p in undated["problems"]] == [("effective", "effective_needed")]
    assert "日期" in undated["problems"][0]["message"]


def test_a_change_that_changes_nothing_is_not_saveable(api, rules_dir):
    current = api("get", "370811").get_json()
    same = api("post", "370811/preview", json={"digest": current["digest"]}).get_json()
    assert same["unchanged"] is True and same["saveable"] is False and same["diff"] == ""
    answer = api("post", "370811/save", json={"digest": current["digest"], "reason": "无变化"})
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "unchanged"


@pytest.mark.parametrize("body, field", [
    ({"values": {URBAN: "990"}}, "digest"),
    ({"digest": "x", "values": {URBAN: 990}}, f"values.{URBAN}.value"),
    ({"digest": "x", "effective": "2027/01/01"}, "effective"),
    ({"digest": "x", "value": {URBAN: "990"}}, "value"),
    ({"digest": "x", "tables": {"illness_tiers": [{"from": "0"}]}}, "tables.illness_tiers.value[0].multiplier"),
    ({"digest": "x", "flags": {"aid.quick.enabled": "yes"}}, "flags.aid.quick.enabled.value"),
], ids=["no digest", "a number for a value", "a date not ISO", "an unknown field", "a row half given",
        "a flag not a boolean"])
def test_a_malformed_body_is_a_422_naming_its_field(api, rules_dir, body, field):
    answer = api("post", "370811/preview", json=body)
    assert answer.status_code == 422, answer.get_json()
    error = answer.get_json()["error"]
    assert error["field"] == field and error["code"] == "invalid" and error["message"]


def test_a_save_needs_a_reason(api, rules_dir):
    answer = api("post", "370811/save", json=_raise_urban(rules_dir))
    assert answer.status_code == 422 and answer.get_json()["error"]["field"] == "reason"


def test_a_save_is_a_revision_and_a_stale_digest_is_a_conflict(app, api, rules_dir, session):
    opened = _raise_urban(rules_dir)
    answer = api("post", "370811/save", json={**opened, "reason": "2027年提标"})
    assert answer.status_code == 201, answer.get_json()
    saved = answer.get_json()
    assert saved["digest"] == _digest(rules_dir) != opened["digest"]
    assert saved["revision"]["reason"] == "2027年提标" and saved["revision"]["user"] == ADMIN
    assert saved["revision"]["effective"] == EFFECTIVE.isoformat()
    assert saved["revision"]["at"].endswith("+08:00")
    assert app.extensions["tempaid_rules"].current.county("370811") is not None
    revisions = api("get", "370811").get_json()["revisions"]
    assert [r["id"] for r in revisions] == [saved["revision"]["id"]]
    # a second client still holding the digest it read before the save
    stale = api("post", "370811/save", json={**opened, "values": {URBAN: "1000"}, "reason": "再提标"})
    assert stale.status_code == 409
    assert stale.get_json()["error"]["code"] == "digest_moved" and stale.get_json()["error"]["field"] == "digest"
    assert api("post", "370811/preview", json={**opened, "values": {URBAN: "1000"}}).status_code == 409
    assert session.scalar(select(func.count()).select_from(RuleRevision)) == 1
    assert _digest(rules_dir) == saved["digest"]


def test_a_change_with_faults_is_never_saved(api, rules_dir, session):
    before = (rules_dir / RENCHENG).read_bytes()
    answer = api("post", "370811/save", json={**_raise_urban(rules_dir, "-5"), "reason": "错误的值"})
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "invalid" and answer.get_json()["error"]["field"].startswith(URBAN)
    assert (rules_dir / RENCHENG).read_bytes() == before
    assert session.scalar(select(func.count()).select_from(RuleRevision)) == 0


def test_a_change_from_a_past_day_is_refused_on_its_date(api, rules_dir):
    past = {**_raise_urban(rules_dir), "effective": (TODAY - dt.timedelta(days=1)).isoformat(), "reason": "补记"}
    answer = api("post", "370811/save", json=past)
    assert answer.status_code == 422
    assert answer.get_json()["error"]["code"] == "effective_past" and answer.get_json()["error"]["field"] == "effective"


def _finished(api, run_id: int, seconds: float = 120) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = api("get", f"370811/impact/{run_id}").get_json()
        if run["state"] in ("succeeded", "failed", "skipped"):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {run['state']}")


@pytest.mark.commits
def test_the_impact_runs_in_the_background_and_only_its_requester_reads_it(app, celery, runs, api, rules_dir):
    started = api("post", "370811/impact", json=_raise_urban(rules_dir))
    assert started.status_code == 202, started.get_json()
    run = started.get_json()
    assert run["state"] in ("queued", "running", "succeeded") and run["result"] in (None, run["result"])
    done = _finished(api, run["id"])
    assert done["state"] == "succeeded" and done["percent"] == 100 and done["error"] is None
    figures = done["result"]
    assert figures["as_of"] == EFFECTIVE.isoformat() and figures["applications"] == done["total"]
    assert figures["total_after"].count(".") == 1  # money as a decimal string
    [made] = runs()
    with app.app_context():
        asked_by = user(app, ADMIN).id
    assert made.user_id == asked_by and made.params["rel"] == RENCHENG
    other = app.test_client().get(f"/api/v1/rules/370811/impact/{run['id']}", headers=bearer(app, "rule_admin_370881"))
    assert other.status_code == 404
    assert api("get", f"370811/impact/{run['id'] + 1000}").status_code == 404
    faulty = api("post", "370811/impact", json=_raise_urban(rules_dir, "-5"))
    assert faulty.status_code == 422 and len(runs()) == 1  # a change with faults queues nothing
