"""The steps a case page offers: only what this user may take on this case (the state machine decides),
decisions look different and ask first, and a refused step keeps what was typed."""
import re

import pytest

from app.services.intake import intake
from app.services.workflow import take
from tests.conftest import csrf_token
from tests.payment_support import EMERGENCY, EXPENDITURE, NOW, user
from tests.support import make_household

HEAVY_FIRE = {**EMERGENCY, "severity": "heavy", "cost": "60000"}  # the full amount needs the county


def _case(app, session, rules, figures, by="township_caseworker_370811", steps=()):
    case = intake(session, make_household(session, "370811"), figures, user(app, by), rules)
    for who, name, fields in steps:
        take(session, case, name, user(app, who), fields, rules, now=NOW)
    session.commit()
    return case


def _buttons(client, case) -> dict[str, str]:
    """Each offered step's form (by transition name) on the case page."""
    page = client.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    return dict(re.findall(r'<form[^>]*id="step-([a-z_]+)"(.*?)</form>', page, re.S))


def test_a_township_approver_is_offered_no_approval_of_a_county_level_case(app, session, rules, login_as):
    large = {**EXPENDITURE, "cost": "100000"}
    case = _case(app, session, rules, large, steps=(
        ("township_caseworker_370811", "accept", {}), ("township_caseworker_370811", "investigate", {"note": "调查"}),
        ("county_reviewer_370811", "review", {"note": "审核"})))
    assert case.approval_level == "county"
    township = _buttons(login_as("township_approver_370811"), case)
    assert "approve" not in township and "reject" in township  # rejecting is not tied to the level
    county = _buttons(login_as("county_approver_370811"), case)
    assert "approve" in county


def test_decisions_look_different_and_ask_first(app, session, rules, login_as):
    case = _case(app, session, rules, EXPENDITURE, steps=(
        ("township_caseworker_370811", "accept", {}), ("township_caseworker_370811", "investigate", {"note": "调查"}),
        ("township_approver_370811", "review", {"note": "审核"})))
    forms = _buttons(login_as("county_approver_370811"), case)
    approve, reject = forms["approve"], forms["reject"]
    assert "btn-success" in approve and "fa-check" in approve and "data-confirm=" in approve
    assert "btn-danger" in reject and "fa-times" in reject and "data-confirm=" in reject
    assert "btn-success" not in reject and "btn-danger" not in approve
    assert "审批同意" in approve and "确定不予救助" in reject


def test_the_township_caseworker_is_offered_pre_assistance_and_whoever_gave_it_no_registration(
        app, session, rules, login_as):
    case = _case(app, session, rules, HEAVY_FIRE, by="county_reviewer_370811")
    assert "pre_assist" in _buttons(login_as("township_caseworker_370811"), case)
    assert "pre_assist" not in _buttons(login_as("county_reviewer_370811"), case)  # took it in
    take(session, case, "pre_assist", user(app, "township_approver_370811"), {"amount": "3000", "date": "2026-11-20"},
         rules, now=NOW)
    session.commit()
    assert "register" not in _buttons(login_as("township_approver_370811"), case)  # gave it; and county level
    assert "register" in _buttons(login_as("county_approver_370811"), case)


def test_pre_assistance_above_the_limit_is_refused_on_its_field_keeping_what_was_typed(
        app, session, rules, login_as):
    case = _case(app, session, rules, HEAVY_FIRE, by="county_reviewer_370811")
    client = login_as("township_caseworker_370811")
    refused = client.post(f"/caseview/transition/{case.id}/pre_assist", data={
        "csrf_token": csrf_token(app, client), "amount": "3500", "date": "2026-11-20", "reason": "火灾损失大"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    form = re.search(r'<form[^>]*id="step-pre_assist"(.*?)</form>', page, re.S).group(1)
    assert 'value="3500"' in form and 'value="2026-11-20"' in form and 'value="火灾损失大"' in form
    error = re.search(r'has-error"><input[^>]*name="amount"[^>]*><span class="help-block field-error">([^<]+)<', form)
    assert error and error.group(1) == "3,500.00 元超过本县先行救助限额 3,000.00 元：现在至多按限额救助，其余在登记时按审批权限决定。"
    session.expire_all()
    assert session.get(type(case), case.id).state == "reported"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_missing_note_is_shown_on_the_note_field_in_the_users_language(app, session, rules, login_as, lang):
    case = _case(app, session, rules, EXPENDITURE, steps=(("township_caseworker_370811", "accept", {}),))
    client = login_as("township_caseworker_370811")
    client.get(f"/lang/{lang}")
    page = client.post(f"/caseview/transition/{case.id}/investigate",
                       data={"csrf_token": csrf_token(app, client), "note": ""}).get_data(as_text=True)
    form = re.search(r'<form[^>]*id="step-investigate"(.*?)</form>', page, re.S).group(1)
    error = re.search(r'has-error"><input[^>]*name="note"[^>]*><span class="help-block field-error">([^<]+)<', form)
    assert error.group(1) == ("请填写这一步要求的说明。" if lang == "zh" else "Write the note this step asks for.")


def test_the_rule_basis_is_a_small_link_to_the_rule_files_line(app, session, rules, login_as):
    case = _case(app, session, rules, EXPENDITURE)
    client = login_as("township_approver_370811")
    page = client.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    checks = page.split('id="checks"', 1)[1].split("</table>", 1)[0]
    assert "jining.yaml:66</" not in checks and "<code>" not in checks  # not the main text any more
    link = re.search(r'<a class="small rule-basis" href="([^"]+)" title="jining.yaml:(\d+)"', checks)
    assert link and ">依据<" in checks
    basis = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    marked = re.search(rf'<span id="L{link.group(2)}" class="bg-warning"[^>]*>(.*?)</span>\n', basis, re.S)
    assert marked and "residency" in marked.group(1)
    assert client.get("/caseview/basis?source=../config/settings.py:1").status_code == 404
    assert client.get("/caseview/basis?source=jining.yaml").status_code == 404


def test_in_english_the_category_and_its_checklist_read_in_english(app, session, rules, login_as):
    case = _case(app, session, rules, EXPENDITURE)
    client = login_as("township_caseworker_370811")
    client.get("/lang/en")
    page = client.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "Uraemia" in page and ">uremia<" not in page and "Local hukou" in page
    trail = page.split('id="trail"', 1)[1]
    assert "Category: Uraemia" in re.sub(r"<[^>]+>", "", trail) and "：" not in trail
    notice = client.get(f"/caseview/notice/{case.id}").get_data(as_text=True)
    assert "Record of haemodialysis or peritoneal dialysis" in notice and "血液透析" not in notice
    client.get("/lang/zh")
    assert "血液透析或腹膜透析治疗记录" in client.get(f"/caseview/notice/{case.id}").get_data(as_text=True)
