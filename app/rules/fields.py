"""marshmallow fields for rule files, each reporting faults with the position of the offending value.

marshmallow gives the structure (nested sections, per-key fields); these fields add what the rule
format needs on top: a value may be plain or a dated series; numbers are exact; every fault is a
:class:`~app.rules.faults.Problem` carrying its own line and column (a field receives the parent mapping,
whose ruamel position table says where the value stood). Loaded leaves come out as
:class:`~app.rules.series.Val` / :class:`~app.rules.series.Series`, stamped with the file being loaded
(:data:`CURRENT_FILE`).
"""
from __future__ import annotations

import re
from contextvars import ContextVar
from decimal import Decimal

from marshmallow import ValidationError, fields
from marshmallow.utils import missing

from app.rules.faults import Problem, describe
from app.rules.series import Series, Val, parse_date
from app.rules.tiers import convert_table
from app.rules.yamlsource import DateText, Number, item_pos, key_pos, node_pos, value_pos

#: The rules-relative file being loaded; leaves record it as their source.
CURRENT_FILE: ContextVar[str] = ContextVar("CURRENT_FILE", default="?")


class Fail(Exception):
    """Raised inside a converter with the problems found; turned into a ValidationError by the field."""

    def __init__(self, *problems: Problem):
        self.problems = list(problems)


class RuleField(fields.Field):
    """Base: a missing required key is a fault at its mapping; ``null`` goes through the converter."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is missing:
            if self.required:
                line, column = node_pos(data)
                raise ValidationError([Problem(line, column, "", "nothing", f"a value for {attr}")])
            return missing
        return self._deserialize(value, attr, data, **kwargs)


class Leaf(RuleField):
    """A leaf value: plain, or (when ``dated``) a dated series of such values."""

    expected = "a value"

    def __init__(self, dated: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.dated = dated

    def convert(self, raw, pos, rel):
        """Check and convert one written value; raise :class:`Fail` when it is wrong."""
        raise NotImplementedError

    def _deserialize(self, value, attr, data, **kwargs):
        file = CURRENT_FILE.get()
        pos = value_pos(data, attr)
        try:
            if self.dated and isinstance(value, dict):
                return self._series(value, pos, file)
            return Val(self.convert(value, pos, ""), file, pos[0] + 1, pos[1] + 1)
        except Fail as fail:
            raise ValidationError(fail.problems) from None

    def _series(self, mapping, pos, file):
        if not mapping:
            raise Fail(Problem(*pos, "", "an empty mapping", f"{self.expected}, or a dated series of them"))
        problems, items = [], []
        for key, raw in mapping.items():
            kl, kc = key_pos(mapping, key)
            start = parse_date(key) if isinstance(key, DateText) else None
            if start is None:
                found = f"key {describe(key)}" + (" (no such day)" if isinstance(key, DateText) else "")
                problems.append(Problem(kl, kc, f".{key}", found, "a date YYYY-MM-DD (a dated series has only date keys)"))
                continue
            try:
                items.append((start, Val(self.convert(raw, value_pos(mapping, key), f".{key}"), file, kl + 1, kc + 1)))
            except Fail as fail:
                problems.extend(fail.problems)
        if problems:
            raise Fail(*problems)
        return Series(items, file, pos[0] + 1)


class Amount(Leaf):
    """An exact number >= 0 (money in yuan, or a count of months that may be fractional)."""

    expected = "a number >= 0"

    def convert(self, raw, pos, rel):
        if isinstance(raw, Number) and not isinstance(raw, bool) and raw >= 0:
            return Decimal(raw)
        raise Fail(Problem(*pos, rel, describe(raw), self.expected))


class Count(Leaf):
    """A whole number at least ``minimum`` (months, days, hours, houses), and at most ``maximum`` if given."""

    def __init__(self, minimum: int = 0, maximum: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum = minimum, maximum
        self.expected = (f"a whole number >= {minimum}" if maximum is None
                         else f"a whole number from {minimum} to {maximum}")

    def convert(self, raw, pos, rel):
        if (isinstance(raw, Number) and raw.is_whole and raw >= self.minimum
                and (self.maximum is None or raw <= self.maximum)):
            return int(raw)
        raise Fail(Problem(*pos, rel, describe(raw), self.expected))


class Flag(Leaf):
    expected = "true or false"

    def convert(self, raw, pos, rel):
        if isinstance(raw, bool):
            return bool(raw)
        raise Fail(Problem(*pos, rel, describe(raw), self.expected))


class Text(Leaf):
    """A non-empty string."""

    expected = "a non-empty text"

    def __init__(self, pattern: str | None = None, expected: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.pattern = re.compile(pattern) if pattern else None
        if expected:
            self.expected = expected

    def convert(self, raw, pos, rel):
        if isinstance(raw, str) and raw.strip() and (self.pattern is None or self.pattern.fullmatch(raw)):
            return str(raw)
        raise Fail(Problem(*pos, rel, describe(raw), self.expected))


class Code(Leaf):
    """A region code: six digits, quoted or not (an unquoted number is read as its digits)."""

    expected = "a 6-digit region code"

    def convert(self, raw, pos, rel):
        text = raw.text if isinstance(raw, Number) else raw
        if isinstance(text, str) and re.fullmatch(r"\d{6}", text):
            return text
        raise Fail(Problem(*pos, rel, describe(raw), self.expected))


class TextList(Leaf):
    """A list of non-empty strings, optionally drawn from ``choices``."""

    def __init__(self, choices: tuple[str, ...] | None = None, non_empty: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.non_empty = non_empty
        self.item_expected = f"one of {', '.join(choices)}" if choices else "a non-empty text"
        self.expected = f"a list of {'values each ' + self.item_expected if choices else 'texts'}"

    def convert(self, raw, pos, rel):
        if not isinstance(raw, list):
            raise Fail(Problem(*pos, rel, describe(raw), self.expected))
        if self.non_empty and not raw:
            raise Fail(Problem(*pos, rel, "an empty list", self.expected))
        problems, out = [], []
        for index, item in enumerate(raw):
            ok = isinstance(item, str) and item.strip() and (self.choices is None or item in self.choices)
            if not ok:
                problems.append(Problem(*item_pos(raw, index), f"{rel}[{index + 1}]", describe(item), self.item_expected))
            else:
                out.append(str(item))
        if problems:
            raise Fail(*problems)
        return tuple(out)


class TierTable(Leaf):
    """A tier table (see :mod:`app.rules.tiers`), plain or dated."""

    expected = "a tier table"

    def convert(self, raw, pos, rel):
        rows, problems = convert_table(raw, pos, rel, CURRENT_FILE.get())
        if problems:
            raise Fail(*problems)
        return rows


class DateList(Leaf):
    """A list of real dates (calendar.yaml)."""

    expected = "a list of dates YYYY-MM-DD"

    def convert(self, raw, pos, rel):
        if not isinstance(raw, list):
            raise Fail(Problem(*pos, rel, describe(raw), self.expected))
        problems, out = [], []
        for index, item in enumerate(raw):
            day = parse_date(item) if isinstance(item, DateText) else None
            line, column = item_pos(raw, index)
            if day is None:
                what = describe(item) + (" (no such day)" if isinstance(item, DateText) else "")
                problems.append(Problem(line, column, f"{rel}[{index + 1}]", what, "a date YYYY-MM-DD"))
            else:
                out.append((day, line, column))
        if problems:
            raise Fail(*problems)
        return tuple(out)


class Section(fields.Nested, RuleField):
    """A nested mapping checked by its own schema; anything but a mapping is a fault at its value."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        return RuleField.deserialize(self, value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        if not isinstance(value, dict):
            line, column = value_pos(data, attr)
            raise ValidationError([Problem(line, column, "", describe(value), f"a mapping of {self.what()}")])
        return super()._deserialize(value, attr, data, partial=partial, **kwargs)

    def what(self) -> str:
        return ", ".join(self.schema.fields) or "keys"
