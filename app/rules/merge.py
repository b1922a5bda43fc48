"""Inheritance: a county's effective rules are the city file deep-merged with the county file.

Mappings merge key by key; a leaf (plain value, list, tier table or dated series) in the county file
replaces the city's whole — a county that changes one date of a series restates the series, so what
is in force never depends on two files at once. ``null`` removes an inherited category. The merge
builds new dicts only along the way and shares the leaves, so it is cheap and never copies values.
"""
from __future__ import annotations

from app.rules.faults import Fault
from app.rules.schema import MERGED_SECTIONS, REQUIRED_LEAVES
from app.rules.series import is_leaf


def deep_merge(base: dict, over: dict) -> dict:
    """``over`` merged onto ``base``: nested mappings merge, anything else replaces, None deletes."""
    out = dict(base)
    for key, value in over.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and not is_leaf(value) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def effective_tree(city: dict, county: dict | None) -> dict:
    """The merged sections of a county (or of the city alone when ``county`` is None)."""
    base = {key: city[key] for key in MERGED_SECTIONS if key in city}
    if county is None:
        return base
    over = {key: county[key] for key in MERGED_SECTIONS if key in county}
    return deep_merge(base, over)


def lookup(tree: dict, path: str):
    """The node at a dotted path, or None."""
    node = tree
    for part in path.split("."):
        if not isinstance(node, dict) or is_leaf(node):
            return None
        node = node.get(part)
        if node is None:
            return None
    return node


def tier_tables(tree: dict) -> dict:
    """Every tier table under ``aid`` (names ending in ``_tiers``)."""
    return {name: leaf for name, leaf in tree.get("aid", {}).items() if name.endswith("_tiers")}


def check_effective(tree: dict, file: str, anchor: tuple[int, int], require_all: bool) -> list[Fault]:
    """Faults of a merged rule set: required leaves missing (``require_all``, reported at ``anchor`` in
    the county file), categories without a name, and category ``tiers`` naming no table."""
    faults: list[Fault] = []
    if require_all:
        for path in REQUIRED_LEAVES:
            if lookup(tree, path) is None:
                faults.append(Fault(file, anchor[0], anchor[1], path, "no value in this file or the city file",
                                    f"a value for {path}"))
    tables = tier_tables(tree)
    for kind, codes in tree.get("categories", {}).items():
        for code, category in codes.items():
            path = f"categories.{kind}.{code}"
            if not isinstance(category, dict):  # null in the city file: there is nothing to remove
                if not require_all:  # reported once, against the city file
                    faults.append(Fault(file, anchor[0], anchor[1], path, "null",
                                        "a category; null only removes an inherited category in a county file"))
                continue
            name = category.get("name")
            line = category.get("_line", 1)
            if name is None:
                source_file = _file_of(category) or file
                faults.append(Fault(source_file, line, 1, f"{path}.name", "nothing", "a name for the category"))
            tiers = category.get("tiers")
            if tiers is not None and tiers.value not in tables:
                faults.append(Fault(tiers.file, tiers.line, tiers.column, f"{path}.tiers",
                                    f"'{tiers.value}', which names no table",
                                    "a tier table under aid: " + ", ".join(sorted(tables))))
    return faults


def _file_of(category: dict) -> str | None:
    for value in category.values():
        if is_leaf(value):
            return value.file
    return None

