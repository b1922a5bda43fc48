"""The finance, charity and rule-editor screens read as words: no ``None``, ``True``/``False``, code
names, ISO/UTC timestamps or escapes in what the user sees (issue #16, "reads like a debugger")."""
from __future__ import annotations

import re

import pytest

from app.models import RuleRevision
from app.services.payments import record_payment
from app.services.referrals import claim, record_aid, refer
from app.services.reversals import reverse_payment
from tests.charity_support import charity_staff, make_case, make_project, user
from tests.payment_support import NOW, funded

RAW = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\\u[0-9a-fA-F]{4}|\{\"|\d{4}-\d\d-\d\dT\d\d:\d\d"
                 r"|\b[a-z]+_[a-z_0-9]+\b|\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}\b")  # codes, digests
#: on a Chinese page the English code of a method, kind or state is a raw value too
CODES = re.compile(r"\b(cash|draw|money|goods|services|claimed|open|returned|closed|expenditure|emergency)\b")


def visible_text(html: str) -> str:
    """What the user reads: the body without scripts, styles, tags and attribute values."""
    body = html[html.find("<body"):]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.fixture()
def world(app, session, rules):
    finance = user(app, "finance_officer_370811")
    case = make_case(app, session, rules, bank_name="农商银行", bank_account="6231000011112222")
    funded(app, session, case.township, "5000")
    paid = record_payment(session, case, finance, "cash", "300", rules, paid_on="2026-11-20", now=NOW).payment
    reverse_payment(session, paid, finance, "错付", rules, now=NOW)
    record_payment(session, case, finance, "bank_transfer", "500", rules, paid_on="2026-11-21", now=NOW)
    project = make_project(session, charity_staff(app).charity, "大病救助", "10000", ("illness",), ("370811",))
    referral = refer(session, make_case(app, session, rules), user(app, "township_caseworker_370811"), "医疗费缺口",
                     gap_money="800")
    claim(session, referral, charity_staff(app))
    record_aid(session, referral, charity_staff(app), project, "money", "100", None)
    session.add(RuleRevision(file="counties/370811-rencheng.yaml", region_code="370811", reason="提高标准",
                             user_id=user(app, "rule_admin_370811").id, diff="", digest_before="ab12cd34" * 8,
                             digest_after="cd34ab12" * 8, previous_text=""))
    session.commit()
    return {"case": case, "referral": referral, "project": project}


PAGES = {
    "finance_officer_370811": ["/paymentview/list/", "/fundmovementview/list/", "/reservefundview/list/",
                               "/paymentbatchview/list/", "/paymentbatchview/create/", "/reservefundview/allocate/"],
    "supervisor_370811": ["/paymentview/list/", "/aidrecordview/list/", "/referralview/list/",
                          "/charityprojectview/list/", "/charityview/list/"],
    "charity_staff_370811": ["/", "/referralview/list/", "/referralpool/list/", "/aidrecordview/list/",
                             "/referralview/show/{referral}", "/charityprojectview/list/"],
    "rule_admin_370811": ["/", "/ruleeditor/", "/ruleeditor/history/370811"],
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", sorted(PAGES))
def test_no_raw_values_on_the_screens(login_as, world, username, lang):
    client = login_as(username)
    assert client.get(f"/lang/{lang}").status_code == 302
    for url in PAGES[username]:
        response = client.get(url.format(referral=world["referral"].id))
        assert response.status_code == 200, url
        text = visible_text(response.get_data(as_text=True))
        found = sorted({m.group(0) for m in RAW.finditer(text)}
                       | ({m.group(0) for m in CODES.finditer(text)} if lang == "zh" else set()))
        assert not found, (url, found)


def test_the_confirmation_dialogs_are_in_the_users_language(login_as, world):
    text = login_as("supervisor_370811").get("/charityview/list/").get_data(as_text=True)
    dialogs = text[text.find('id="modal-confirm"'):]
    assert 'id="modal-confirm"' in text and 'id="modal-alert"' in dialogs
    assert ">取消<" in dialogs and ">确定<" in dialogs
    assert ">Cancel<" not in dialogs and ">OK<" not in dialogs
