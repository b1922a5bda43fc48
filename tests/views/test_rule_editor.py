"""The rule editor's screens: a county administrator raises a standard, sees the diff and the impact,
saves; new applications follow the new rules, decided cases keep their verdicts. And every refusal."""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.models import Case, Region, RuleRevision
from app.rules.inputs import CST
from app.services.intake import intake
from app.web.rule_labels import problem_text
from app.services.workflow import take
from tests.conftest import csrf_token
from tests.rule_edit_support import CITY, RENCHENG, served_copy
from tests.support import DEMO_PASSWORD_ENV, make_household

TODAY = dt.datetime.now(CST).date()
EFFECTIVE = dt.date(TODAY.year + 1, 1, 1)
URBAN = "value:standards.dibao_monthly.urban"
POOR = {"monthly_income": ["300"] * 12, "monthly_necessary_expenses": ["100"] * 6, "financial_assets": "1000",
        "houses": 1, "vehicles": 0}
# one person, 1000 a month, 60 of necessary expenses: 940 a month lies between 915 (today) and 960 (raised)
MARGIN = {"monthly_income": ["1000"] * 12, "monthly_necessary_expenses": ["60"] * 6, "financial_assets": "1000",
          "houses": 1, "vehicles": 0}


@pytest.fixture()
def rules_dir(app, tmp_path, monkeypatch):
    return served_copy(app, tmp_path, monkeypatch)


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page).group(1)


def editor_post(app, client, code: str, page: str, action: str = "preview", **fields):
    data = {"csrf_token": csrf_token(app, client), "digest": hidden(page, "digest"),
            "shown_on": hidden(page, "shown_on"), "action": action, **fields}
    if action == "save" and "proposal_digest" not in fields:
        data["proposal_digest"] = hidden(page, "proposal_digest")
    return client.post(f"/ruleeditor/edit/{code}", data=data)


def figures(day: dt.date, household: dict, category: str = "illness:uremia") -> dict:
    return {"kind": "expenditure", "category": category, "application_date": day.isoformat(), "cost": "2000",
            "household": household}


def user(app, username):
    return app.appbuilder.sm.find_user(username=username)


def number(page: str, css: str) -> str:
    return re.search(rf'class="{css}">([^<]*)<', page).group(1).strip()


def test_a_county_raises_its_dibao_standard_from_a_future_date(app, session, login_as, rules_dir, monkeypatch):
    store = app.extensions["tempaid_rules"]
    caseworker = user(app, "township_caseworker_370811")
    poor = make_household(session, "370811")
    margin = make_household(session, "370811", size=1)
    decided = intake(session, poor, figures(TODAY - dt.timedelta(days=10), POOR), caseworker, store.current)
    session.commit()
    for name, by, fields in (("accept", "township_caseworker_370811", {}),
                             ("investigate", "township_caseworker_370811", {"note": "入户调查"}),
                             ("review", "township_approver_370811", {"note": "审核"}),
                             ("approve", "township_approver_370811", {"amount": "2000"})):
        take(session, decided, name, user(app, by), fields, store.current)
        session.commit()
    assert decided.state == "approved" and decided.decided
    waiting = intake(session, margin, figures(TODAY - dt.timedelta(days=5), MARGIN), caseworker, store.current)
    session.commit()
    assert waiting.eligible is False and waiting.verdict["checks"][1]["limit"] == "915"
    old_verdict, old_digest = dict(decided.verdict), decided.rules_digest

    # the administrator opens the county's file, raises the urban standard from next year, checks
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    assert 'name="value:standards.dibao_monthly.urban"' in page and 'value="915"' in page
    assert re.search(r'name="setting:eligibility.residency:residence_permit"[^>]*checked', page)
    assert re.search(r'<option value="true" selected>', page)  # aid.cap_at_cost, inherited from the city
    preview = editor_post(app, admin, "370811", page, **{"effective": EFFECTIVE.isoformat(), URBAN: "960",
                                                         "reason": "提高城市低保标准"}).get_data(as_text=True)
    assert f"+      {EFFECTIVE.isoformat()}: 960" in preview
    assert number(preview, "impact-applications") == "2"
    assert number(preview, "impact-eligibility") == "1"  # the household at the margin becomes eligible
    assert 'id="save"' in preview
    assert f"{EFFECTIVE.isoformat()}: 960" not in (rules_dir / RENCHENG).read_text(encoding="utf-8")  # a preview saves nothing

    saved = editor_post(app, admin, "370811", preview, action="save",
                        **{"effective": EFFECTIVE.isoformat(), URBAN: "960", "reason": "提高城市低保标准"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/ruleeditor/history/370811")
    history = admin.get("/ruleeditor/history/370811").get_data(as_text=True)
    assert "提高城市低保标准" in history and "规则管理员任城区" in history  # the person by name, not the login
    assert "rule_admin_370811" not in history and "查看修改内容" in history
    assert f"      {EFFECTIVE.isoformat()}: 960\n" in (rules_dir / RENCHENG).read_text(encoding="utf-8")
    revision = session.scalar(select(RuleRevision).where(RuleRevision.file == RENCHENG))
    assert revision.effective == EFFECTIVE and revision.reason == "提高城市低保标准"

    # new applications are evaluated with the rules in force on their date
    worker = login_as("township_caseworker_370811")
    form = {"kind": "expenditure", "severity": "", "cost": "2000", "monthly_income": ", ".join(MARGIN["monthly_income"]),
            "monthly_necessary_expenses": ", ".join(MARGIN["monthly_necessary_expenses"]), "financial_assets": "1000",
            "houses": "1", "vehicles": "0"}
    today_preview = worker.post(f"/intake/?id_number={margin.id_number}", data={
        **form, "category": "illness:leukemia", "application_date": TODAY.isoformat(), "action": "preview",
        "csrf_token": csrf_token(app, worker)}).get_data(as_text=True)
    assert 'id="verdict"' in today_preview and "panel-danger" in today_preview  # not eligible before the date
    # the day the new standard takes effect comes (no application is dated after the day it is made)
    import app.services.intake as intake_service
    monkeypatch.setattr(intake_service, "utcnow", lambda: dt.datetime.combine(EFFECTIVE, dt.time(9), CST))
    new = worker.post(f"/intake/?id_number={margin.id_number}", data={
        **form, "category": "illness:leukemia", "application_date": EFFECTIVE.isoformat(), "action": "save",
        "csrf_token": csrf_token(app, worker)})
    assert new.status_code == 302
    case = session.scalar(select(Case).where(Case.household_id == margin.id, Case.category == "illness:leukemia"))
    assert case.eligible and case.verdict["checks"][1]["limit"] == "960"
    assert case.rules_digest == store.digest != old_digest

    # decided cases keep the verdict they were decided on
    session.expire_all()
    kept = session.get(Case, decided.id)
    assert kept.verdict == old_verdict and kept.rules_digest == old_digest
    assert kept.verdict["checks"][1]["limit"] == "915" and kept.approved_amount == 2000
    shown = login_as("township_approver_370811").get(f"/caseview/show/{decided.id}").get_data(as_text=True)
    assert "<td>915.00</td>" in shown


def test_a_county_administrator_edits_only_their_own_county(app, session, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    listing = admin.get("/ruleeditor/").get_data(as_text=True)
    assert "/ruleeditor/edit/370811" in listing and "/ruleeditor/edit/370881" not in listing
    assert "/ruleeditor/edit/370800" not in listing
    for url in ("/ruleeditor/edit/370881", "/ruleeditor/history/370881", "/ruleeditor/edit/370800",
                "/ruleeditor/edit/999999"):
        assert admin.get(url).status_code == 404, url
    page = login_as("rule_admin_370881").get("/ruleeditor/edit/370881").get_data(as_text=True)
    before = (rules_dir / RENCHENG).read_bytes()
    response = admin.post("/ruleeditor/edit/370881", data={
        "csrf_token": csrf_token(app, admin), "digest": hidden(page, "digest"), "shown_on": hidden(page, "shown_on"),
        "action": "save", "effective": EFFECTIVE.isoformat(), URBAN: "999", "reason": "x"})
    assert response.status_code == 404 and (rules_dir / RENCHENG).read_bytes() == before
    # a revision of another county cannot be reverted by this one
    other = user(app, "rule_admin_370881")
    session.add(RuleRevision(file="counties/370881-qufu.yaml", region_code="370881", user_id=other.id, reason="x",
                             diff="", digest_before="a" * 64, digest_after="b" * 64, previous_text=""))
    session.commit()
    revision = session.scalar(select(RuleRevision).where(RuleRevision.region_code == "370881"))
    assert admin.get(f"/ruleeditor/revert/{revision.id}").status_code == 404
    assert admin.post(f"/ruleeditor/revert/{revision.id}", data={"csrf_token": csrf_token(app, admin),
                                                                 "reason": "x"}).status_code == 404


@pytest.mark.parametrize("username", ["township_caseworker_370811", "county_approver_370811", "supervisor_370811"])
def test_other_roles_have_no_editor(app, login_as, rules_dir, username):
    client = login_as(username)
    for url in ("/ruleeditor/", "/ruleeditor/edit/370811", "/ruleeditor/history/370811"):
        assert client.get(url).status_code == 403, url
    assert "/ruleeditor/" not in client.get("/").get_data(as_text=True)


def test_the_menu_offers_the_editor_to_rule_administrators(app, login_as, rules_dir):
    home = login_as("rule_admin_370811").get("/").get_data(as_text=True)
    assert "/ruleeditor/" in home


def test_faults_are_shown_on_their_fields_and_nothing_is_saved(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    before = (rules_dir / RENCHENG).read_bytes()
    fields = {"effective": EFFECTIVE.isoformat(), "table:illness_tiers:5:multiplier": "13",
              "value:approval.expenditure_working_days": "30", "reason": "x"}
    for name in ("table:illness_tiers:1:from", "table:illness_tiers:1:multiplier", "table:illness_tiers:2:from",
                 "table:illness_tiers:2:multiplier", "table:illness_tiers:3:from", "table:illness_tiers:3:multiplier",
                 "table:illness_tiers:4:from", "table:illness_tiers:4:multiplier", "table:illness_tiers:5:from"):
        fields[name] = hidden(page, name)
    response = editor_post(app, admin, "370811", page, **fields).get_data(as_text=True)
    faults = dict(re.findall(r'data-field="([^"]+)">([^<]*)<', response))
    assert "at most 12" in faults["table:illness_tiers"]
    assert "at most 20" in faults["value:approval.expenditure_working_days"]
    assert faults["value:approval.expenditure_working_days"].startswith("支出型审批时限（工作日） (approval.")
    assert "应为" in faults["value:approval.expenditure_working_days"]  # worded in the office's language
    assert 'id="save"' not in response and 'id="impact"' not in response
    saved = editor_post(app, admin, "370811", page, action="save", proposal_digest="0" * 64, **fields)
    assert saved.status_code == 200 and (rules_dir / RENCHENG).read_bytes() == before
    missing_date = editor_post(app, admin, "370811", page, **{URBAN: "960"}).get_data(as_text=True)
    assert 'data-field="effective"' in missing_date


def test_a_save_over_a_change_made_meanwhile_is_refused_on_screen(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    fields = {"effective": EFFECTIVE.isoformat(), URBAN: "960", "reason": "提标"}
    preview = editor_post(app, admin, "370811", page, **fields).get_data(as_text=True)
    path = rules_dir / RENCHENG
    meanwhile = path.read_text(encoding="utf-8").replace("preschool: null", "preschool: null  # 另一位管理员的修改")
    path.write_text(meanwhile, encoding="utf-8")
    refused = editor_post(app, admin, "370811", preview, action="save", **fields).get_data(as_text=True)
    with app.test_request_context(), force_locale("zh"):
        message = problem_text("digest_moved")
    assert 'id="editor-error"' in refused and message in refused
    assert path.read_text(encoding="utf-8") == meanwhile


def test_a_save_without_a_reason_keeps_everything_typed_and_asks_for_the_reason(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    before = (rules_dir / RENCHENG).read_bytes()
    fields = {"effective": EFFECTIVE.isoformat(), URBAN: "960", "value:standards.dibao_monthly.rural": "760"}
    preview = editor_post(app, admin, "370811", page, **fields).get_data(as_text=True)
    refused = editor_post(app, admin, "370811", preview, action="save", reason="  ", **fields)
    text = refused.get_data(as_text=True)
    with app.test_request_context(), force_locale("zh"):
        message = problem_text("reason_needed")
    assert refused.status_code == 200 and (rules_dir / RENCHENG).read_bytes() == before
    assert dict(re.findall(r'data-field="([^"]+)">([^<]*)<', text))["reason"] == message
    assert f'id="{URBAN}" value="960"' in text and 'value="760"' in text  # nothing typed is lost
    assert f'value="{EFFECTIVE.isoformat()}"' in text and 'id="impact"' in text
    with_reason = editor_post(app, admin, "370811", text, action="save", reason="提标", **fields)
    assert with_reason.status_code == 302 and (rules_dir / RENCHENG).read_bytes() != before


def test_nothing_changed_is_said_and_a_post_without_its_csrf_token_is_refused(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    same = editor_post(app, admin, "370811", page, action="save", reason="无", proposal_digest="x").get_data(
        as_text=True)
    with app.test_request_context(), force_locale("zh"):
        assert problem_text("unchanged") in same
    before = (rules_dir / RENCHENG).read_bytes()
    forged = admin.post("/ruleeditor/edit/370811", data={
        "digest": hidden(page, "digest"), "shown_on": hidden(page, "shown_on"), "action": "save",
        "effective": EFFECTIVE.isoformat(), URBAN: "960", "reason": "x"})
    assert forged.status_code == 400 and (rules_dir / RENCHENG).read_bytes() == before


def test_a_planned_raise_is_withdrawn_on_screen(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    original = (rules_dir / RENCHENG).read_text(encoding="utf-8")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    fields = {"effective": EFFECTIVE.isoformat(), URBAN: "960", "reason": "提标"}
    preview = editor_post(app, admin, "370811", page, **fields).get_data(as_text=True)
    assert editor_post(app, admin, "370811", preview, action="save", **fields).status_code == 302
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    name = f"withdraw:standards.dibao_monthly.urban:{EFFECTIVE.isoformat()}"
    assert f'name="{name}"' in page and page.count('name="withdraw:') == 1
    take_back = {name: "on", "reason": "撤回计划提标"}
    preview = editor_post(app, admin, "370811", page, **take_back).get_data(as_text=True)
    assert f"-      {EFFECTIVE.isoformat()}: 960" in preview and 'id="save"' in preview
    assert editor_post(app, admin, "370811", preview, action="save", **take_back).status_code == 302
    assert (rules_dir / RENCHENG).read_text(encoding="utf-8") == original


def test_a_save_needs_the_preview_of_exactly_what_is_saved(app, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    fields = {"effective": EFFECTIVE.isoformat(), URBAN: "960", "reason": "提标"}
    preview = editor_post(app, admin, "370811", page, **fields).get_data(as_text=True)
    changed = editor_post(app, admin, "370811", preview, action="save", **{**fields, URBAN: "970"})
    text = changed.get_data(as_text=True)
    assert changed.status_code == 200 and 'id="impact"' in text and f"+      {EFFECTIVE.isoformat()}: 970" in text
    assert f"{EFFECTIVE.isoformat()}: 970" not in (rules_dir / RENCHENG).read_text(encoding="utf-8")
    assert editor_post(app, admin, "370811", text, action="save", **{**fields, URBAN: "970"}).status_code == 302


def test_the_city_administrator_edits_the_city_file_and_its_bounds(app, session, login_as, rules_dir):
    sm = app.appbuilder.sm
    city_admin = sm.add_user("rule_admin_city", "规则", "管理员", "rule_admin_city@tempaid.invalid",
                             sm.find_role("rule_admin"), os.environ[DEMO_PASSWORD_ENV])
    city_admin.region = session.scalar(select(Region).where(Region.code == "370800"))
    session.commit()
    client = login_as("rule_admin_city")
    assert "/ruleeditor/edit/370800" in client.get("/ruleeditor/").get_data(as_text=True)
    assert client.get("/ruleeditor/edit/370811").status_code == 404
    page = client.get("/ruleeditor/edit/370800").get_data(as_text=True)
    assert 'name="bound:approval.township_limit:max"' in page
    fields = {"bound:approval.township_limit:min": "0", "bound:approval.township_limit:max": "2500", "reason": "收紧"}
    faulty = editor_post(app, client, "370800", page, **fields).get_data(as_text=True)
    assert "counties/370831-sishui.yaml" in faulty and 'id="save"' not in faulty  # 泗水 keeps 3000 from 2021
    tighter = {"bound:approval.emergency_pre_assist_hours:min": "1",
               "bound:approval.emergency_pre_assist_hours:max": "20", "reason": "收紧"}
    text = editor_post(app, client, "370800", page, **tighter).get_data(as_text=True)
    assert "+  approval.emergency_pre_assist_hours: [1, 20]" in text and 'id="save"' not in text
    faults = dict(re.findall(r'data-field="([^"]+)">([^<]*)<', text))
    assert "at most 20" in faults["value:approval.emergency_pre_assist_hours"]  # the city's own 24 hours
    city = (rules_dir / CITY).read_text(encoding="utf-8")
    light = {"bound:approval.township_limit:min": "0", "bound:approval.township_limit:max": "3000",
             "bound:aid.emergency_light_cap:min": "0", "bound:aid.emergency_light_cap:max": "1000",
             "effective": EFFECTIVE.isoformat(), "value:aid.emergency_light_cap": "900", "reason": "调整急难较轻救助上限"}
    preview = editor_post(app, client, "370800", page, **light).get_data(as_text=True)
    assert 'id="save"' in preview and number(preview, "impact-applications") == "0"
    saved = editor_post(app, client, "370800", preview, action="save", **light)
    assert saved.status_code == 302
    new = (rules_dir / CITY).read_text(encoding="utf-8")
    assert new != city and f"    {EFFECTIVE.isoformat()}: 900\n" in new
    revision = session.scalar(select(RuleRevision).where(RuleRevision.file == CITY))
    assert revision.region_code == "370800"


def test_history_and_revert_on_screen(app, session, login_as, rules_dir):
    admin = login_as("rule_admin_370811")
    original = (rules_dir / RENCHENG).read_bytes()
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    fields = {"effective": EFFECTIVE.isoformat(), URBAN: "960", "reason": "提标"}
    preview = editor_post(app, admin, "370811", page, **fields).get_data(as_text=True)
    assert editor_post(app, admin, "370811", preview, action="save", **fields).status_code == 302
    revision = session.scalar(select(RuleRevision).where(RuleRevision.file == RENCHENG))
    history = admin.get("/ruleeditor/history/370811").get_data(as_text=True)
    assert f"/ruleeditor/revert/{revision.id}" in history
    confirm = admin.get(f"/ruleeditor/revert/{revision.id}").get_data(as_text=True)
    assert f"-      {EFFECTIVE.isoformat()}: 960" in confirm and 'id="impact"' in confirm
    done = admin.post(f"/ruleeditor/revert/{revision.id}", data={
        "csrf_token": csrf_token(app, admin), "digest": hidden(confirm, "digest"), "reason": "撤销提标"})
    assert done.status_code == 302
    assert (rules_dir / RENCHENG).read_bytes() == original
    history = admin.get("/ruleeditor/history/370811").get_data(as_text=True)
    assert "撤销提标" in history and f"/ruleeditor/revert/{revision.id}\"" not in history  # no longer the latest
    stale = admin.post(f"/ruleeditor/revert/{revision.id}", data={
        "csrf_token": csrf_token(app, admin), "digest": hidden(confirm, "digest"), "reason": "again"})
    assert stale.status_code == 200 and 'id="editor-error"' in stale.get_data(as_text=True)


def test_the_administrator_edits_a_categorys_english_name_on_the_screen(app, login_as, rules_dir):
    from app.rules.editing import RuleFile

    name, documents, tiers = RuleFile(rules_dir, RENCHENG).category_values("incident", "fire")
    admin = login_as("rule_admin_370811")
    page = admin.get("/ruleeditor/edit/370811").get_data(as_text=True)
    assert re.search(r'name="cat:incident:fire:name_en" value="Fire"', page), "the English name is editable"
    assert "英文名称" in page
    fields = {"reason": "英文名称更准确", "cat:incident:fire:name": name, "cat:incident:fire:tiers": tiers,
              "cat:incident:fire:documents": "\n".join(documents), "cat:incident:fire:name_en": "House fire"}
    preview = editor_post(app, admin, "370811", page, **fields).get_data(as_text=True)
    assert "+      name_en: House fire" in preview
    saved = editor_post(app, admin, "370811", preview, action="save", **fields)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-1500:]
    assert "      name_en: House fire\n" in (rules_dir / RENCHENG).read_text(encoding="utf-8")
