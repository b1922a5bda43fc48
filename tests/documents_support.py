"""Cases for the decision-document tests, as the notice has them: approved, refused by a failed check,
refused by the approver's reason, pre-assisted, 小额快救 — each decided through the workflow as the
offices do it, all in 任城区 (370811)."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader

from app.services.intake import intake
from app.services.payments import record_payment
from app.services.workflow import take
from tests.payment_support import BANK, EXPENDITURE, NOW, approved_case, emergency_case, user
from tests.support import make_household

COUNTY = "370811"
#: a raw value no document text may hold: None, True/False, an ISO date or time, a code name
RAW = re.compile(r"\bNone\b|\bTrue\b|\bFalse\b|\d{4}-\d{2}-\d{2}|T\d{2}:\d{2}|local_hukou|residence_permit|"
                 r"bank_transfer|in_kind|net_income|financial_assets|illness:|incident:")


def pdf_text(data: bytes) -> str:
    """The text of a PDF as a reader extracts it, whitespace removed (CJK lines wrap anywhere)."""
    assert data[:5] == b"%PDF-"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def flat(html: str) -> str:
    """The text of a page without tags and whitespace."""
    return re.sub(r"\s+", "", re.sub(r"<style.*?</style>|<[^>]+>", "", html, flags=re.S))


def approved(app, session, rules):
    """Approved for 1800 (tier 1: 3 × the urban dibao standard, capped at the 2000 cost), paid in two
    stages."""
    case = approved_case(app, session, rules, "1800", head_name="张三丰")
    caseworker = user(app, f"township_caseworker_{COUNTY}")
    record_payment(session, case, caseworker, "cash", "600", rules, paid_on="2026-11-20", now=NOW)
    record_payment(session, case, caseworker, "bank_transfer", "1200", rules, paid_on="2026-11-24", now=NOW)
    return case


def refused_by_check(app, session, rules):
    """The household's net income per person is above the dibao standard: the approver refuses."""
    household = make_household(session, COUNTY, head_name="李四", size=2, **BANK)
    figures = {**EXPENDITURE, "household": {**EXPENDITURE["household"], "monthly_income": ["2000"] * 12,
                                            "monthly_necessary_expenses": ["75"] * 6}}
    case = intake(session, household, figures, user(app, f"township_caseworker_{COUNTY}"), rules)
    assert not case.eligible
    take(session, case, "reject", user(app, f"township_approver_{COUNTY}"), {"reason": "家庭收入超过低保标准"},
         rules, now=NOW)
    return case


def refused_by_reason(app, session, rules):
    """Eligible by every check, refused for what the investigation found."""
    household = make_household(session, COUNTY, head_name="王五", **BANK)
    case = intake(session, household, EXPENDITURE, user(app, f"township_caseworker_{COUNTY}"), rules)
    assert case.eligible
    take(session, case, "reject", user(app, f"township_approver_{COUNTY}"),
         {"reason": "经入户调查，医疗费用已由商业保险全额赔付"}, rules, now=NOW)
    return case


def pre_assisted(app, session, rules):
    """A fire reported on 2026-01-20 (before the 2026 opinion), 800 given at once, papers still due."""
    return emergency_case(app, session, rules, "800", head_name="赵六")


def quick(app, session, rules):
    """A light fire reported on 2026-11-20: 小额快救, registered and decided by the township at 500."""
    household = make_household(session, COUNTY, head_name="孙七", **BANK)
    figures = {"kind": "emergency", "category": "incident:fire", "severity": "light",
               "application_date": "2026-11-20", "reported_at": "2026-11-20T09:30:00+08:00",
               "requested_amount": "500"}
    case = intake(session, household, figures, user(app, f"township_caseworker_{COUNTY}"), rules)
    assert case.flow == "quick"
    take(session, case, "register", user(app, f"township_approver_{COUNTY}"), {"amount": "500"}, rules, now=NOW)
    return case
