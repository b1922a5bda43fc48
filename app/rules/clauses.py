"""The clause of the notice a rule value stands on, read from the rule file's own comments.

Every value in a rule file is written under a comment that cites the notice (``# 二、（三）1 …``). A
decision document cites its legal basis clause by clause with the ``file:line`` of each value it applied
(the verdict's ``source``); this module finds the comment that belongs to that line: the comment lines
right above it, or else above the nearest enclosing key (a dated entry's comment is usually on its
series' key); of those, the nearest that cites a clause (a county's own "placeholder" note defers to the
clause its section names). Pure: it reads the rules directory only.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path


#: a comment that cites a clause: 二、（三）1, the 2026 opinion, a law's article
CITES = re.compile(r"[一二三四五六七八九]、|意见|法》|第[一二三四五六七八九十百]+条")
#: a note for the county's administrators, never legal basis: a placeholder awaiting confirmation (待…确认),
#: or a note on the fields of a value (``from：…；multiplier：…``)
NOTE = re.compile(r"待.{0,20}确认|占位|[a-z_]+：")


@lru_cache(maxsize=64)
def _lines(path: str, mtime: float) -> tuple[str, ...]:
    return tuple(Path(path).read_text(encoding="utf-8").splitlines())


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _comment_above(lines: tuple[str, ...], index: int) -> list[str]:
    found: list[str] = []
    at = index - 1
    while at >= 0 and lines[at].strip().startswith("#"):
        found.insert(0, lines[at].strip().lstrip("#").strip())
        at -= 1
    return [text for text in found if text]


def clause_at(rules_dir, source: str | None, texts: dict | None = None) -> str:
    """The comment the value at ``source`` (``<file>:<line>``) stands under, or ``""`` when none is found
    (an unknown file, a line out of range, a value nobody commented). ``texts`` (``{relpath: text}``)
    stand in for files on disk: the text a file had when a verdict read it."""
    if not source or ":" not in source:
        return ""
    name, _, number = source.rpartition(":")
    path = Path(rules_dir) / name
    if not number.isdigit():
        return ""
    if texts and name in texts:
        lines = tuple(texts[name].splitlines())
    elif path.is_file():
        lines = _lines(str(path), path.stat().st_mtime)
    else:
        return ""
    index = int(number) - 1
    if not 0 <= index < len(lines):
        return ""
    citing: list[str] = []
    other: list[str] = []
    indent = _indent(lines[index]) + 1
    while index >= 0 and indent > 0:
        line = lines[index]
        if line.strip() and not line.strip().startswith("#") and _indent(line) < indent:
            kept = [text for text in _comment_above(lines, index) if not NOTE.search(text)]
            cited = [text for text in kept if CITES.search(text)]
            if cited:
                citing.append(" ".join(cited))
            elif kept:
                other.append(" ".join(kept))
            indent = _indent(line)
        index -= 1
    return (citing or other or [""])[0]
