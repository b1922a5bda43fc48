"""The raw-value check itself: it must catch what #16 saw and leave ordinary Chinese and English alone."""
from __future__ import annotations

import pytest

from tests.browser.rawtext import raw_values

SEEN_IN_16 = [
    "低保家庭 False",
    "特困供养人员 True",
    "备注 None",
    '之后 {"amount": "1000.00"}',
    "\\u6551\\u52a9",
    "受理时间 2026-12-02T08:30:00+08:00",
    "户籍 local_hukou, residence_permit",
    "decision_due 2026-12-29",
    "规则 " + "3f" * 32,
]


@pytest.mark.parametrize("text", SEEN_IN_16)
def test_what_issue_16_saw_is_caught(text):
    assert raw_values(text), text


@pytest.mark.parametrize("text", [
    "临时救助管理 · 李营街道 · 2026年12月2日 08:30",
    "Approved amount 1,200.00 · Paid on 2 Dec 2026 · Due soon and overdue",
    "张三 3708**********001X 城镇 本地户籍 否 是",
    "依据 jining.yaml:66",
    "Falsely reported · Nonetheless",
])
def test_words_and_formatted_values_pass(text):
    assert raw_values(text) == []


def test_a_users_own_login_name_may_be_allowed_on_their_profile():
    text = "用户名 township_caseworker_370811"
    assert raw_values(text)
    assert raw_values(text, allowed=("township_caseworker_370811",)) == []
