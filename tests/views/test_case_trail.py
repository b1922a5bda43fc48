"""The case trail reads like a paper file: China time, the person's name and post, the action in words,
the changed fields by their labels with formatted values — for every kind of entry the services write."""
import re

from flask_babel import force_locale

from app.models import Payment
from app.services.batches import create_batch
from app.services.payments import record_payment
from app.services.referrals import claim, close, record_aid, refer, release, return_stale, withdraw
from app.services.reversals import reverse_payment
from app.services.workflow import adjust, reevaluate, take
from tests.charity_support import charity_staff, make_project
from tests.payment_support import NOW, approved_case, emergency_case, funded, user

#: what a debugger shows and a paper file never does
RAW = [
    (r"\{\"|\[\"|\": ", "JSON"), (r"\\u[0-9a-f]{4}", "a unicode escape"), (r"\bNone\b|\bTrue\b|\bFalse\b", "a raw value"),
    (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", "an ISO timestamp"), (r"\+00:00|\+08:00|UTC", "a zone code"),
    (r"\b[a-z]+_[a-z_]+\b", "a snake_case code"),
    (r"\bid, |case_id|household_id", "a column list"),
    (r"_370811", "a login name"),
]


def _trail(client, case) -> str:
    page = client.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    return page.split('id="trail"', 1)[1].split("</table>", 1)[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


#: the action codes the services write, which no Chinese file shows (in English they are ordinary words)
CODES = (r"\b(batch|refer|claim|aid|draw|intake|payment|reverse|adjust|reevaluate|pre_assist|register|approve)\b",
         "an action code")


def _no_raw(text: str, zh: bool = True) -> None:
    for pattern, what in RAW + ([CODES] if zh else []):
        found = re.search(pattern, text)
        assert found is None, f"{what} in the trail: …{text[max(0, found.start() - 60):found.end() + 60]}…"


def _english(client):
    client.get("/lang/en")
    return client


def test_an_expenditure_case_with_payments_batch_reversal_adjustment_and_charity_reads_like_a_file(
        app, session, rules, login_as):
    case = approved_case(app, session, rules, "1800")
    finance = user(app, "finance_officer_370811")
    adjust(session, case, "1900", "补充医疗票据", user(app, "county_approver_370811"))
    record_payment(session, case, finance, "bank_transfer", "1000", rules, paid_on="2026-11-20", now=NOW)
    create_batch(session, finance, case.county, now=NOW)
    cash = record_payment(session, case, finance, "cash", "300", rules, paid_on="2026-11-21", now=NOW).payment
    reverse_payment(session, cash, finance, "金额录错", rules, now=NOW)
    staff = charity_staff(app)
    make_project(session, staff.charity, regions=(case.township.code,))
    referral = refer(session, case, user(app, "township_caseworker_370811"), "透析费用缺口", gap_money="5000")
    claim(session, referral, staff)
    project = make_project(session, staff.charity, name="大病关爱", regions=(case.township.code,))
    record_aid(session, referral, staff, project, "money", "600", "透析补助")
    close(session, referral, staff, note="已资助透析费用")
    session.commit()
    for lang in ("zh", "en"):
        client = login_as("supervisor_370811")
        if lang == "en":
            _english(client)
        text = _text(_trail(client, case))
        _no_raw(text, zh=lang == "zh")
        if lang == "zh":
            for words in ("录入申请", "受理", "审批同意", "县级审批人员", "乡镇经办人员", "财务人员",
                          "审批金额：1,800.00 → 1,900.00", "发放", "冲正", "转介", "认领", "慈善", "银行代发",
                          "办理状态：已审核 → 已审批", "补充医疗票据", "金额录错", "透析费用缺口", "慈善组织办结转介",
                          "已资助透析费用"):
                assert words in text, words
        else:
            for words in ("Taken in", "Approve", "County approver", "Township caseworker", "Finance officer",
                          "1,800.00 → 1,900.00", "Payment recorded", "Payment reversed", "Referred to the charities",
                          "Claimed by a charity", "Charity aid recorded", "Sent to the bank",
                          "Reviewed → Approved"):
                assert words in text, words
    assert session.query(Payment).count() >= 3


def test_an_emergency_with_reserve_fund_draw_and_registration_reads_like_a_file(app, session, rules, login_as):
    case = emergency_case(app, session, rules, "800")
    funded(app, session, case.township, "10000")
    record_payment(session, case, user(app, "township_caseworker_370811"), "cash", "800", rules,
                   paid_on="2026-11-20", from_reserve_fund=True, now=NOW)
    take(session, case, "register", user(app, "county_approver_370811"), {"note": "补齐签字盖章"}, rules, now=NOW)
    session.commit()
    client = login_as("township_caseworker_370811")
    text = _text(_trail(client, case))
    _no_raw(text)
    for words in ("先行救助", "登记、补齐手续", "乡镇审批人员", "先行救助时限", "登记补办时限：— → 2026-01-27",
                  "从备用金支取", "备用金：-800.00", "9,200.00", "补齐签字盖章", "审批金额：— → 800.00"):
        assert words in text, words
    assert "先行救助时限：2026-01-21 21:30 → 2026-01-21 21:30，已于 2026-11-27 10:00 办结" in text


def test_a_claim_returned_by_the_daily_job_and_a_verdict_computed_again(app, session, rules, login_as):
    import datetime as dt

    from tests.charity_support import make_case

    case = make_case(app, session, rules, approved=False)
    case.inputs = {**case.inputs, "cost": "2500"}  # the bill was higher: computed again with the rules in force
    reevaluate(session, case, user(app, "township_caseworker_370811"), rules)
    staff = charity_staff(app)
    make_project(session, staff.charity, regions=(case.township.code,))
    referral = refer(session, case, user(app, "township_caseworker_370811"), "生活困难", gap_money="1000")
    claim(session, referral, staff, now=NOW - dt.timedelta(days=30))
    return_stale(session, rules, now=NOW)
    claim(session, referral, staff, now=NOW)
    release(session, referral, staff, note="本会项目资金已用完")
    withdraw(session, referral, user(app, "township_caseworker_370811"), "已由医疗救助解决", now=NOW)
    session.commit()
    text = _text(_trail(login_as("county_reviewer_370811"), case))
    _no_raw(text)
    for words in ("重新测算", "建议救助金额：2,000.00 → 2,500.00", "系统", "退回转介池", "7 天内没有登记救助情况",
                  "慈善组织放弃认领", "本会项目资金已用完", "撤回转介", "已由医疗救助解决"):
        assert words in text, words
