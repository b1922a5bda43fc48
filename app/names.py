"""Person names as the office writes them: letters (any script), with the spaces and the middle dot
(``·``) of minority and foreign names — and nothing that hides or reorders what a reader sees.

A name made of zero-width characters looks blank on the screen and on the printed decision; a
right-to-left override shows another name than the one stored; a control character (NUL, tab, bell)
breaks exports and bank files. Such a name is refused at every door (screens, API, services) with a
worded reason on the field, rather than cleaned silently, so the caseworker types it again.
"""
from __future__ import annotations

import unicodedata

#: Unicode general categories no name contains: controls, format characters (zero-width, bidi
#: overrides, the byte-order mark), line and paragraph separators, surrogates, private use, unassigned
_REFUSED = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def name_problem(name) -> str | None:
    """Why ``name`` is no person's name, or None: ``blank`` (nothing visible), ``invisible``
    (a control, zero-width or direction character)."""
    if not isinstance(name, str) or not name.strip():
        return "blank"
    if any(unicodedata.category(c) in _REFUSED for c in name):
        return "invisible"
    if not any(unicodedata.category(c)[0] in "LN" for c in name):
        return "blank"
    return None


def clean_name(name: str | None) -> str | None:
    """The stored form: NFC, outer spaces removed, inner runs of spaces made one."""
    if name is None:
        return None
    return " ".join(unicodedata.normalize("NFC", name).split())
