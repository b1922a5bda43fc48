"""What a person must never read on a screen: the values of the code instead of words.

The issue that started the browser suite (#16) found pages that read like a debugger: ``None``,
``True``/``False``, JSON (``{"``) and ``\\u6551`` escapes, ISO timestamps in UTC, code names
(``local_hukou``, ``decision_due``) and the 64-hex rules digest. :func:`raw_values` finds them in a
page's visible text; the suite runs it after every navigation.
"""
from __future__ import annotations

import re

#: name → pattern of one kind of raw value
PATTERNS = {
    "None/True/False": re.compile(r"(?<![A-Za-z])(?:None|True|False)(?![A-Za-z])"),
    "\\u escape": re.compile(r"\\u[0-9a-fA-F]{4}"),
    "JSON": re.compile(r"\{\s*\""),
    "ISO timestamp": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),
    "code name": re.compile(r"(?<![\w.@/-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])"),
    "digest": re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])"),
}


def raw_values(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every raw value in ``text`` as ``"kind: …context…"``; words in ``allowed`` (a user's own login
    name on their profile) are not counted."""
    for word in allowed:
        text = text.replace(word, "")
    found = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            start, end = max(match.start() - 30, 0), min(match.end() + 30, len(text))
            context = text[start:end].replace("\n", " ⏎ ").replace("\t", " ")
            found.append(f"{kind}: {match.group(0)!r} in …{context}…")
    return found
