"""Fields whose keys are data, not names: category codes, ``bounds`` paths, ``raised`` paths.

marshmallow declares one field per known key; these three mappings have keys chosen by the file's
author, so each is one field that walks its mapping itself, reporting every bad key or value at its
own position (see :mod:`app.rules.fields`).
"""
from __future__ import annotations

import re

from marshmallow import ValidationError

from app.rules.faults import Problem, describe
from app.rules.fields import CURRENT_FILE, RuleField
from app.rules.series import Val
from app.rules.yamlsource import Number, key_pos, value_pos

CATEGORY_KINDS = ("incident", "illness", "education", "other")
CODE_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")
RAISABLE = re.compile(r"aid\.[a-z][a-z0-9_]*_tiers\.multiplier")
BOUNDABLE_TABLE = re.compile(r"aid\.[a-z][a-z0-9_]*_tiers\.(multiplier|from)")


class Categories(RuleField):
    """``categories.<kind>.<code>``: a category mapping, or ``null`` to remove an inherited one."""

    def __init__(self, entry_schema, **kwargs):
        super().__init__(**kwargs)
        self.entry_schema = entry_schema()

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise ValidationError([Problem(*value_pos(data, attr), "", describe(value),
                                           f"a mapping of category kinds ({', '.join(CATEGORY_KINDS)})")])
        problems, errors, out = [], {}, {}
        for kind, codes in value.items():
            if kind not in CATEGORY_KINDS:
                problems.append(Problem(*key_pos(value, kind), str(kind), f"unknown category kind {describe(kind)}",
                                        f"one of: {', '.join(CATEGORY_KINDS)}"))
                continue
            if not isinstance(codes, dict):
                problems.append(Problem(*value_pos(value, kind), str(kind), describe(codes),
                                        "a mapping of category codes to {name, documents, tiers}"))
                continue
            out[kind] = {}
            for code, entry in codes.items():
                rel = f"{kind}.{code}"
                if not (isinstance(code, str) and CODE_KEY.fullmatch(code)):
                    problems.append(Problem(*key_pos(codes, code), rel, f"category code {describe(code)}",
                                            "a code of letters, digits, _ and -"))
                elif entry is None:
                    out[kind][code] = None
                elif not isinstance(entry, dict):
                    problems.append(Problem(*value_pos(codes, code), rel, describe(entry),
                                            "a category {name, documents, tiers}, or null to remove it"))
                else:
                    try:
                        loaded = self.entry_schema.load(entry)
                        loaded["_line"] = key_pos(codes, code)[0] + 1
                        out[kind][code] = loaded
                    except ValidationError as exc:
                        errors.setdefault(kind, {})[code] = exc.messages
        if problems:
            errors["_schema"] = problems
        if errors:
            raise ValidationError(errors)
        return out


class Bounds(RuleField):
    """City ``bounds``: ``{path: [min, max]}``; ``null`` leaves a side open. ``numeric_leaves`` are the
    paths of plain numbers a bound may name; a tier table's ``multiplier``/``from`` always may."""

    def __init__(self, numeric_leaves, **kwargs):
        super().__init__(**kwargs)
        self.numeric_leaves = frozenset(numeric_leaves)

    def _deserialize(self, value, attr, data, **kwargs):
        file = CURRENT_FILE.get()
        if not isinstance(value, dict):
            raise ValidationError([Problem(*value_pos(data, attr), "", describe(value), "a mapping {path: [min, max]}")])
        problems, out = [], {}
        for path, pair in value.items():
            if not (isinstance(path, str) and (path in self.numeric_leaves or BOUNDABLE_TABLE.fullmatch(path))):
                problems.append(Problem(*key_pos(value, path), str(path), f"path {describe(path)}",
                                        "the path of a numeric value (e.g. aid.illness_tiers.multiplier)"))
                continue
            line, column = value_pos(value, path)
            ok = isinstance(pair, list) and len(pair) == 2 and all(p is None or isinstance(p, Number) for p in pair)
            if ok and None not in pair and pair[0] > pair[1]:
                ok = False
            if not ok:
                problems.append(Problem(line, column, path, describe(pair) if not isinstance(pair, list) else
                                        "[" + ", ".join(describe(p) for p in pair) + "]",
                                        "[min, max] with min <= max (null for an open side)"))
                continue
            out[path] = Val(tuple(pair), file, line + 1, column + 1)
        if problems:
            raise ValidationError(problems)
        return out


class Raised(RuleField):
    """County ``raised``: ``{path: basis}`` — only a tier table's multiplier may be raised."""

    def _deserialize(self, value, attr, data, **kwargs):
        file = CURRENT_FILE.get()
        if not isinstance(value, dict):
            raise ValidationError([Problem(*value_pos(data, attr), "", describe(value), "a mapping {path: basis}")])
        problems, out = [], {}
        for path, basis in value.items():
            if not (isinstance(path, str) and RAISABLE.fullmatch(path)):
                problems.append(Problem(*key_pos(value, path), str(path), f"raised path {describe(path)}",
                                        "a tier table's multiplier aid.<name>_tiers.multiplier "
                                        "(only aid standards may be raised)"))
                continue
            line, column = value_pos(value, path)
            if not (isinstance(basis, str) and basis.strip()):
                problems.append(Problem(line, column, path, describe(basis), "the basis: the document allowing it"))
                continue
            out[path] = Val(str(basis), file, line + 1, column + 1)
        if problems:
            raise ValidationError(problems)
        return out
