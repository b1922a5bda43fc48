"""The legal basis a decision document cites is the clause above a value, never the administrators' notes
beside it: a placeholder awaiting confirmation, or a note on the fields of a table."""
from __future__ import annotations

from app.rules.clauses import clause_at

RULES = """\
eligibility:
  expenditure:
    # 二、（一）2（3）家庭财产状况符合当地城乡低保申请家庭经济状况认定标准
    # 以下为常见的低保财产认定规则，
    # 属合理默认值，待县（市、区）按本地低保家庭经济状况认定办法确认
    assets:
      max_houses: 1
aid:
  # 二、（三）1 支出型临时救助标准
  # from：个人自负费用（元，含下限）；multiplier：城市低保月标准的倍数
  illness_tiers:
    - {from: 0, multiplier: 3}
  # 只有说明，没有条款
  quick_note: 1
"""


def test_a_value_cites_its_clause_without_the_notes_beside_it(tmp_path):
    (tmp_path / "city.yaml").write_text(RULES, encoding="utf-8")
    assert clause_at(tmp_path, "city.yaml:7") == "二、（一）2（3）家庭财产状况符合当地城乡低保申请家庭经济状况认定标准"
    assert clause_at(tmp_path, "city.yaml:12") == "二、（三）1 支出型临时救助标准"


def test_a_value_with_only_a_note_cites_the_note_and_an_unknown_line_nothing(tmp_path):
    (tmp_path / "city.yaml").write_text(RULES, encoding="utf-8")
    assert clause_at(tmp_path, "city.yaml:14") == "只有说明，没有条款"
    assert clause_at(tmp_path, "city.yaml:99") == "" and clause_at(tmp_path, "other.yaml:1") == ""
