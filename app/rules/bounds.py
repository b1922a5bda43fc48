"""The city's ``bounds`` and a county's ``raised``: what a county may set, checked file by file.

The notice fixes ranges (aid 3–12× the urban dibao, light emergencies at most 1000 yuan, township
approval at most 3000 yuan) and lets a county go above an aid standard only deliberately
(有条件的县可适当提高). So every value a file writes at a bounded path — each entry of a dated series,
each row of a tier table — must lie inside the city's ``[min, max]``; a county may exceed the maximum
of a tier table's multiplier only when its ``raised`` names the path with a basis, and nothing may go
below a minimum. Values are checked in the file that writes them, so the fault points at that line.
"""
from __future__ import annotations

from app.rules.faults import Fault
from app.rules.merge import lookup
from app.rules.series import Series, Val, is_leaf


def _entries(leaf, path: str):
    """``(path of the entry, Val)`` for each value a leaf writes."""
    if isinstance(leaf, Series):
        return [(f"{path}.{start.isoformat()}", val) for start, val in leaf.items]
    return [(path, leaf)]


def _values_at(tree: dict, path: str):
    """Every ``(key path, value, line, column)`` a file writes at a bounds path, or [] when absent."""
    leaf = lookup(tree, path)
    if is_leaf(leaf):
        return [(p, val.value, val.line, val.column) for p, val in _entries(leaf, path)]
    table_path, _, attribute = path.rpartition(".")
    table = lookup(tree, table_path) if attribute in ("multiplier", "from") else None
    if not is_leaf(table):
        return []
    found = []
    for entry_path, val in _entries(table, table_path):
        for row in val.value:
            value = row.multiplier if attribute == "multiplier" else row.start
            found.append((f"{entry_path}[{row.number}].{attribute}", value, row.line, row.column))
    return found


def _with_own_tables(bounds: dict, tree: dict) -> dict:
    """A tier table a file defines for itself (``aid.special_tiers``) is held to the maximum of the
    standard table of its kind — education tables (named ``*education*``) to ``education_tiers``,
    every other to ``illness_tiers`` — unless the city bounds it by name: a county cannot go above the
    notice's 12× (6× for schooling) by naming a table of its own, except through ``raised``. Its
    minimum stays free: such tables serve other needs (a disability table at 2×, say)."""
    extended = dict(bounds)
    for name in (tree.get("aid") or {}):
        if not (isinstance(name, str) and name.endswith("_tiers")):
            continue
        path = f"aid.{name}.multiplier"
        standard = "education_tiers" if "education" in name else "illness_tiers"
        model = bounds.get(f"aid.{standard}.multiplier")
        if path not in extended and model is not None:
            extended[path] = Val([None, model.value[1]], model.file, model.line, model.column)
    return extended


def check_bounds(bounds: dict, file: str, tree: dict, raised: dict | None) -> list[Fault]:
    """Faults of one file's values against the city's bounds; ``raised`` is the county's (None for the city)."""
    faults: list[Fault] = []
    bounds = _with_own_tables(bounds, tree)
    is_county = raised is not None
    raised = raised or {}
    for path, bound in bounds.items():
        low, high = bound.value
        where = f"bounds {bound.source}"
        for key_path, value, line, column in _values_at(tree, path):
            if low is not None and value < low:
                faults.append(Fault(file, line, column, key_path, _text(value),
                                    f"at least {_text(low)} ({where}); no county may go below a minimum"))
            elif high is not None and value > high and path not in raised:
                hint = (f"; a county may exceed it only with raised: {{{path}: <basis>}}"
                        if is_county and path.endswith("_tiers.multiplier") else "")
                faults.append(Fault(file, line, column, key_path, _text(value), f"at most {_text(high)} ({where}){hint}"))
    return faults


def _text(value) -> str:
    text = getattr(value, "text", None)
    if text is not None:
        return text
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
