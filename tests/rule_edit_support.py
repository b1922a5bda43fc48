"""Helpers for the rule editor's tests: a private copy of the rules directory served by the app.

Tests that write rule files never touch the project's ``rules/``: :func:`served_copy` copies it to a
temporary directory and points the running app's rule store (and ``RULES_DIR``) at the copy for the
length of one test.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from app.rules import RuleStore

PROJECT_RULES = Path(__file__).resolve().parents[1] / "rules"
RENCHENG = "counties/370811-rencheng.yaml"
QUFU = "counties/370881-qufu.yaml"
CITY = "jining.yaml"


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(PROJECT_RULES, target)
    return target


def served_copy(app, tmp_path: Path, monkeypatch) -> Path:
    rules_dir = copy_rules(tmp_path)
    monkeypatch.setitem(app.extensions, "tempaid_rules", RuleStore(rules_dir))
    monkeypatch.setitem(app.config, "RULES_DIR", str(rules_dir))
    return rules_dir


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """``(removed, added)`` lines, comparing the two texts line by line (a longest common subsequence)."""
    import difflib

    removed, added = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old.splitlines(), b=new.splitlines(),
                                                       autojunk=False).get_opcodes():
        if tag != "equal":
            removed.extend(old.splitlines()[i1:i2])
            added.extend(new.splitlines()[j1:j2])
    return removed, added
