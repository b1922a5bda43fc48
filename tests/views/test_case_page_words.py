"""The case page says which rules its verdict read in words — the county and the save of its rule file —
never the digest; a field with no value (an approved case's 办理期限 once nothing is due) is left out
rather than shown as a bare label."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from app.models import RuleRevision
from tests.charity_support import make_case, user
from tests.views.test_no_raw_values import RAW, visible_text

DIGEST = re.compile(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,}")


def _page(login_as, case, lang="zh"):
    client = login_as("township_caseworker_370811")
    client.get(f"/lang/{lang}")
    response = client.get(f"/caseview/show/{case.id}")
    assert response.status_code == 200
    return visible_text(response.get_data(as_text=True))


def _rows(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("lang, words", [("zh", "所依规则: 任城区规则（初始版本）"),
                                         ("en", "Rules applied: 任城区 rules, as first installed")])
def test_the_rules_read_are_named_not_hashed(app, session, rules, login_as, lang, words):
    case = make_case(app, session, rules)
    session.commit()
    text = _rows(_page(login_as, case, lang))
    assert words in text
    assert case.rules_digest[:8] not in text, text[text.find(case.rules_digest[:8]) - 300:][:400]
    assert not DIGEST.search(text)
    assert not RAW.search(text)


def test_a_save_before_the_verdict_is_its_revision(app, session, rules, login_as):
    saved = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 China time
    for number in (1, 2):
        session.add(RuleRevision(file="counties/370811-rencheng.yaml", region_code="370811", reason="提高标准",
                                 user_id=user(app, "county_approver_370811").id, diff="", at=saved,
                                 digest_before="-", digest_after="-", previous_text=""))
    session.add(RuleRevision(file="counties/370811-rencheng.yaml", region_code="370811", reason="以后的修订",
                             user_id=user(app, "county_approver_370811").id, diff="",
                             at=dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc),
                             digest_before="-", digest_after="-", previous_text=""))
    case = make_case(app, session, rules)
    session.commit()
    assert "任城区规则（第2次修订，2026-11-20）" in _rows(_page(login_as, case))


def test_a_field_without_a_value_is_left_out(app, session, rules, login_as):
    case = make_case(app, session, rules, approved=False)
    case.due_at, case.incident = None, None
    session.commit()
    text = _rows(_page(login_as, case))
    assert "办理期限" not in text and "急难事由" not in text
    assert "申请日期" in text
