"""Decision documents as the applicant reads them: for an approved, a refused (by a failed check and by the
approver's reason), a pre-assisted and a 小额快救 case, the page and the PDF hold the names, figures,
clauses (with the rule file's line) and rights they must, and never a raw value; English on request; a
county's own template overrides the city's."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.documents import document_html, render_pdf
from app.services.documents import DocumentRefused, document_facts
from tests.documents_support import (RAW, approved, flat, pdf_text, pre_assisted, quick, refused_by_check,
                                     refused_by_reason)
from tests.payment_support import user

OFFICE = "济宁市任城区民政局"
RIGHTS = ["60日内向济宁市任城区人民政府申请行政复议", "6个月内向济宁市任城区人民法院提起行政诉讼"]

#: what each document must say (whitespace removed), case by case
CASES = {
    "approval": (approved, "approval", None, [
        "临时救助审批决定书", OFFICE, "张三丰", "决定给予临时救助1800元", "2026年11月2日", "尿毒症",
        "以当地城市低保月标准915元为基数", "第1档", "为低保标准的3倍", "最高可救助2000元",
        "第1次", "2026年11月20日", "现金", "600", "第2次", "银行转账（社会化发放）", "1200",
        # the legal basis, clause by clause, each with its file:line
        "城市低保月标准915元——二、（一）2（1）及二、（三）", "（规则文件counties/370811-rencheng.yaml:27）",
        "家庭月人均净收入低于当地城市低保标准915元", "救助金额不超过自负费用", "（规则文件jining.yaml:68）",
        "2026年11月27日"]),
    "refused_by_check": (refused_by_check, "refusal", None, [
        "不予救助告知书", OFFICE, "李四", "决定不予救助",
        "家庭月人均净收入962.50元，不低于当地城市低保标准915元（二、（一）2（1）及二、（三）",
        "规则文件counties/370811-rencheng.yaml:27", "审批意见：家庭收入超过低保标准", *RIGHTS]),
    "refused_by_reason": (refused_by_reason, "refusal", None, [
        "不予救助告知书", "王五", "审批意见：经入户调查，医疗费用已由商业保险全额赔付", *RIGHTS]),
    "pre_assisted": (pre_assisted, "pre_assist", None, [
        "先行救助登记表", OFFICE, "赵六", "火灾", "救助金额（元）800", "救助日期2026年1月20日", "经办人乡镇审批人员",
        "尚需补齐的材料（请于2026年1月27日前补齐）", "消防救援机构或公安机关出具的火灾事故认定书或火灾证明",
        "急难型较轻困难救助最高1000元——二、（三）2"]),
    "quick": (quick, "quick", None, [
        "小额快救登记表", "孙七", "直接登记、免核对、免公示，于2026年11月23日前办结", "救助金额（元）500",
        "救助日期2026年11月27日", "小额快救最高不超过1个月城市低保标准——2026年意见（一）小额快救",
        "（规则文件jining.yaml:113）"]),
    "payment": (approved, "payment", 2, [
        "临时救助金发放通知", "张三丰", "核定金额1800元", "第2次发放", "于2026年11月24日以银行转账（社会化发放）方式发放1200元",
        "农商银行"]),
}


@pytest.fixture()
def documents_dir(app):
    return app.config["DOCUMENTS_DIR"]


def _made(app, session, rules, name, lang="zh"):
    make, kind, stage, _expected = CASES[name]
    case = make(app, session, rules)
    facts = document_facts(session, case, kind, user(app, "county_approver_370811"), rules, stage=stage)
    return case, facts, document_html(facts, rules, app.config["DOCUMENTS_DIR"], lang)


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_page_and_the_pdf_say_what_the_decision_is_and_why(app, session, rules, documents_dir, name):
    case, _facts, html = _made(app, session, rules, name)
    page, pdf = flat(html), render_pdf(html, documents_dir)
    text = pdf_text(pdf)
    for expected in CASES[name][3] + [case.number]:
        assert expected in page, f"page lacks {expected}:\n{page}"
        assert expected in text, f"PDF lacks {expected}:\n{text}"
    assert not RAW.search(page), RAW.search(page)
    assert not RAW.search(text), RAW.search(text)
    fonts = {str(font.get_object().get("/BaseFont")) for page_ in PdfReader(__import__("io").BytesIO(pdf)).pages
             for font in (page_["/Resources"].get("/Font") or {}).values()}
    assert any("CJK" in font for font in fonts), f"no CJK font embedded: {fonts}"


def test_a_refusal_by_the_approver_lists_no_failed_check(app, session, rules):
    _case, facts, html = _made(app, session, rules, "refused_by_reason")
    assert facts.failed == [] and "不低于" not in flat(html) and "超过规定" not in flat(html)


def test_english_on_request(app, session, rules, documents_dir):
    case, _facts, html = _made(app, session, rules, "refused_by_check", lang="en")
    text = pdf_text(render_pdf(html, documents_dir))
    for expected in ("Noticeofrefusaloftemporaryassistance", "Thehousehold'snetincomeperpersonandmonth,962.50yuan,"
                     "isnotbelowthelocalurbandibaostandardof915yuan", "within60daysofreceivingthisnotice",
                     "within6monthsofreceivingit", "27November2026", "(Uraemia)", case.number):
        assert expected in text, text
    assert not RAW.search(text)


def test_a_countys_own_template_overrides_the_citys(app, session, rules, tmp_path):
    own = tmp_path / "documents"
    shutil.copytree(app.config["DOCUMENTS_DIR"], own)
    (own / "370811").mkdir()
    (own / "370811" / "refusal.zh.html").write_text(
        '{% extends "city/refusal.zh.html" %}{% block title %}任城区不予临时救助告知书{% endblock %}', encoding="utf-8")
    _case, facts, _html = _made(app, session, rules, "refused_by_reason")
    page = flat(document_html(facts, rules, own))
    assert "任城区不予临时救助告知书" in page and "审批意见：经入户调查" in page and RIGHTS[0] in page
    # another county keeps the city's layout
    facts.county_code = "370881"
    assert "任城区不予临时救助告知书" not in flat(document_html(facts, rules, own))
    assert Path(own / "refusal.zh.html").read_text(encoding="utf-8") == \
        (Path(app.config["DOCUMENTS_DIR"]) / "refusal.zh.html").read_text(encoding="utf-8")


def test_a_document_the_case_does_not_have_is_refused(app, session, rules):
    case = approved(app, session, rules)
    approver = user(app, "county_approver_370811")
    for kind, stage in (("refusal", None), ("quick", None), ("pre_assist", None), ("payment", 9), ("payment", None),
                        ("nonsense", None)):
        with pytest.raises(DocumentRefused):
            document_facts(session, case, kind, approver, rules, stage=stage)
    with pytest.raises(DocumentRefused) as caught:
        document_facts(session, case, "approval", user(app, "county_approver_370881"), rules)
    assert caught.value.code == "scope"


def test_the_id_number_is_masked_for_who_does_not_work_the_case(app, session, rules):
    case = approved(app, session, rules)
    whole = document_facts(session, case, "approval", user(app, "county_approver_370811"), rules)
    masked = document_facts(session, case, "approval", user(app, "supervisor_370811"), rules)
    assert whole.id_number == case.household.id_number
    assert masked.id_number == case.household.id_number[:4] + "*" * 10 + case.household.id_number[-4:]
