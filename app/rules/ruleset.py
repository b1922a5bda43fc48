"""A loaded, valid rule set: every county's merged rules, the calendar, and the digest.

The engine asks for parameters "in force on day D" thousands of times a second. A county's rules only
change at the dates its dated series name, so the days fall into intervals with identical parameters;
each interval's flat ``{path: Val or None}`` mapping is built once, on first use, and cached. The rule
set is never mutated after loading, so it can be shared by threads.
"""
from __future__ import annotations

import bisect
from datetime import date
from typing import NamedTuple

from app.rules.series import Series, Val, is_leaf

DEFAULT_TABLE = {"education": "education_tiers"}  # any other kind: illness_tiers
CATEGORY_ORDER = ("incident", "illness", "education", "other")


class Category(NamedTuple):
    """A category as forms offer it; ``tiers`` is the table its amounts use."""

    kind: str
    code: str
    name: str
    documents: tuple
    tiers: str
    name_en: str = ""  # English name (rule key name_en); empty when the file gives none
    documents_en: tuple = ()  # the checklist in English (rule key documents_en)


def _leaves(tree: dict, prefix: str = ""):
    for key, node in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if is_leaf(node):
            yield path, node
        elif isinstance(node, dict) and key != "categories":
            yield from _leaves(node, path)


class CountyRules:
    """One county's effective rules (the city file merged with the county file)."""

    def __init__(self, code: str, name: str, file: str, city_file: str, region: dict, tree: dict):
        self.code = code
        self.name = name
        self.file = file
        self.city_file = city_file
        self.region = region
        self.tree = tree
        self.leaves = dict(_leaves({k: v for k, v in tree.items() if k != "categories"}))
        self.dates = sorted({d for leaf in self.leaves.values() for d in leaf.dates})
        self.category_map: dict[str, Category] = {}
        for kind in CATEGORY_ORDER:
            for code_, entry in tree.get("categories", {}).get(kind, {}).items():
                table = entry["tiers"].value if "tiers" in entry else DEFAULT_TABLE.get(kind, "illness_tiers")
                documents = entry["documents"].value if "documents" in entry else ()
                english = entry["name_en"].value if "name_en" in entry else ""
                documents_en = entry["documents_en"].value if "documents_en" in entry else ()
                self.category_map[f"{kind}:{code_}"] = Category(kind, code_, entry["name"].value, documents, table,
                                                                english, documents_en)
        self._params: dict[int, dict] = {}
        #: what the engine derives from one interval's parameters (limits and their texts), keyed by
        #: ``(id(params), ...)``: the params dicts live as long as this object, so an id is never reused
        self.derived: dict = {}

    def params(self, day: date) -> dict:
        """``{dotted path: Val or None}`` in force on ``day`` (None: no value in force yet)."""
        index = bisect.bisect_right(self.dates, day)
        found = self._params.get(index)
        if found is None:
            probe = self.dates[index - 1] if index else date.min
            found = {path: leaf.at(probe) for path, leaf in self.leaves.items()}
            self._params[index] = found
        return found

    def effective(self, day: date) -> dict:
        """The merged rules in force on ``day``, each leaf ``{value, source[, since]}``."""
        out: dict = {"region": {k: _shown(v, day) for k, v in self.region.items()}}
        for path, leaf in self.leaves.items():
            node = out
            *parents, last = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[last] = _shown(leaf, day)
        categories: dict = {}
        for key, category in self.category_map.items():
            entry = self.tree["categories"][category.kind][category.code]
            shown = {name: _shown(val, day) for name, val in entry.items() if name != "_line"}
            shown.setdefault("tiers", {"value": category.tiers, "source": "default"})
            categories.setdefault(category.kind, {})[category.code] = shown
        out["categories"] = categories
        return out


def _shown(leaf, day: date) -> dict:
    val = leaf.at(day)
    shown: dict = {"value": None, "source": f"{leaf.file}:{leaf.line}"}
    if val is not None:
        value = val.value
        if isinstance(value, tuple) and value and hasattr(value[0], "multiplier"):
            value = [{"from": row.start, "multiplier": row.multiplier, "source": row.source} for row in value]
        elif isinstance(value, tuple):
            value = list(value)
        shown = {"value": value, "source": val.source}
    if isinstance(leaf, Series):
        shown["since"] = leaf.start_of(day)
        if val is None:
            shown["first_date"] = leaf.dates[0]
    return shown


class RuleSet:
    """Every county's rules, the working-day calendar and the digest of the files they came from."""

    def __init__(self, rules_dir, counties: dict[str, CountyRules], calendar, digest: str):
        self.rules_dir = rules_dir
        self._counties = counties
        self.calendar = calendar
        self.digest = digest
        #: what the fast paths derive from the whole rule set (``app.rules.columns``' plan table)
        self.derived: dict = {}

    @property
    def current(self) -> "RuleSet":
        """Itself: the engine takes a RuleSet or a RuleStore alike by asking for ``.current`` (an
        attribute that is there costs less than the exception of one that is not, on every call)."""
        return self

    def counties(self) -> list[str]:
        """County codes, sorted."""
        return sorted(self._counties)

    def county(self, code: str) -> CountyRules | None:
        return self._counties.get(code)

    def effective(self, county: str, on: date) -> dict:
        """The merged rules of ``county`` in force on ``on``, with sources; KeyError for an unknown county."""
        return self._counties[county].effective(on)

    def categories(self, county: str, on: date | None = None) -> list[Category]:
        """``(kind, code, name, documents, tiers)`` for form choices; categories are not dated, so ``on``
        does not change the list (it is accepted so callers need not know that)."""
        return list(self._counties[county].category_map.values())


__all__ = ["RuleSet", "CountyRules", "Category", "Val"]
