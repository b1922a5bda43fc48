"""A decision document cites the rule file as it read when the verdict was computed, not as it reads today:
after a later save in the editor (lines shifted, a clause reworded) the approval still cites 城市低保月标准
915元 under 二、（一）2（1）及二、（三） at the line the verdict recorded."""
from __future__ import annotations

import datetime as dt
import shutil

from app.models import RuleRevision
from app.rules.loader import check_directory
from app.services.documents import document_facts
from tests.documents_support import approved
from tests.payment_support import user
from tests.rule_edit_support import PROJECT_RULES, RENCHENG

#: the rewording a later save made: three lines above everything, the dibao comment in other words
LATER = "# 修订说明：第一行\n# 修订说明：第二行\n# 修订说明：第三行\n"


def _saved_later(session, app, rules_dir, case):
    old = (rules_dir / RENCHENG).read_text(encoding="utf-8")
    new = LATER + old.replace("二、（一）2（1）", "某条款（已改写）")
    (rules_dir / RENCHENG).write_text(new, encoding="utf-8")
    session.add(RuleRevision(file=RENCHENG, region_code="370811", user_id=user(app, "county_approver_370811").id,
                             at=case.created_at + dt.timedelta(days=3), reason="改写注释", diff="",
                             digest_before="-", digest_after="-", previous_text=old))
    session.flush()
    now, faults = check_directory(rules_dir)
    assert not faults
    return now


def _base(facts):
    return next(b for b in facts.basis if b.name == "base")


def test_the_approval_cites_the_clause_and_line_the_verdict_read(app, session, rules, tmp_path):
    case = approved(app, session, rules)
    rules_dir = tmp_path / "rules"
    shutil.copytree(PROJECT_RULES, rules_dir)
    before = _base(document_facts(session, case, "approval", user(app, "county_approver_370811"), rules))
    today = _saved_later(session, app, rules_dir, case)
    assert today.digest != case.rules_digest
    after = _base(document_facts(session, case, "approval", user(app, "county_approver_370811"), today))
    assert (after.value, after.source, after.clause) == (before.value, before.source, before.clause)
    assert "二、（一）2（1）" in after.clause and "已改写" not in after.clause


def test_a_file_changed_outside_the_editor_leaves_todays_rules(app, session, rules, tmp_path):
    """Without a saved revision the past text is unknown: the document reads the rules as they are."""
    case = approved(app, session, rules)
    rules_dir = tmp_path / "rules"
    shutil.copytree(PROJECT_RULES, rules_dir)
    path = rules_dir / RENCHENG
    path.write_text(LATER + path.read_text(encoding="utf-8"), encoding="utf-8")
    today, _ = check_directory(rules_dir)
    base = _base(document_facts(session, case, "approval", user(app, "county_approver_370811"), today))
    assert base.source != _base(document_facts(session, case, "approval", user(app, "county_approver_370811"),
                                              rules)).source
