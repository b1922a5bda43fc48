"""Reading one rule file with ruamel.yaml in round-trip mode, keeping every position.

Round-trip mode is what the web editor writes with, and its containers remember where each key,
value and list item stood (``CommentedMap.lc.key/value``, ``CommentedSeq.lc.item``), so every fault can
point at its line. Three scalar types are built differently from ruamel's defaults, because the rule
format demands it:

- numbers become :class:`Number`, an exact ``Decimal`` that keeps its YAML text (``612.5`` is never a
  float; a region code ``370811`` written unquoted keeps its digits);
- dates become :class:`DateText`, the text as written: ``2019-13-01`` must be reported as a fault at its
  own line, and ruamel would raise on it in the middle of the load;
- a duplicate key is recorded (with its position) instead of stopping the load, so that all of them
  are reported in one run.

YAML syntax errors become a fault at the position where the parser stopped.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import YAMLError

from app.rules.faults import Fault, describe


class Number(Decimal):
    """An exact number read from YAML, with the text it was written as."""

    text: str

    def __new__(cls, text: str):
        self = Decimal.__new__(cls, text.replace("_", ""))
        self.text = text
        return self

    @property
    def is_whole(self) -> bool:
        return self == self.to_integral_value() and "." not in self.text and "e" not in self.text.lower()


class BadNumber:
    """A scalar YAML resolves as a number that is no plain decimal (``0x1F``, ``.inf``, ``.nan``)."""

    def __init__(self, text: str):
        self.text = text


class DateText(str):
    """A scalar YAML resolves as a timestamp, kept as its text; checked by :func:`app.rules.series.parse_date`."""


class _Constructor(RoundTripConstructor):
    """Round-trip constructor with exact numbers, dates as text and duplicate keys recorded."""

    duplicates: list

    def check_mapping_key(self, node, key_node, mapping, key, value):  # noqa: D401 - ruamel hook
        if key in mapping:
            self.duplicates.append((mapping, key, key_node.start_mark.line, key_node.start_mark.column))
            return False
        return True

    def construct_exact_number(self, node):
        text = node.value
        try:
            number = Number(text)
        except InvalidOperation:
            return BadNumber(text)
        if not number.is_finite():
            return BadNumber(text)
        return number

    def construct_date_text(self, node):
        return DateText(node.value)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_exact_number)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_exact_number)
_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_date_text)


def _new_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    return yaml


def parse(text: str, file: str):
    """Parse one file's text. Returns ``(data, faults)``; ``data`` is None after a syntax error."""
    yaml = _new_yaml()
    yaml.constructor.duplicates = []
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, column = (mark.line, mark.column) if mark is not None else (0, 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Fault(file, line + 1, column + 1, "(yaml)", f"a syntax error ({problem})", "valid YAML")]
    faults = []
    duplicates = yaml.constructor.duplicates
    if duplicates:
        paths = _container_paths(data)
        for mapping, key, line, column in duplicates:
            path = _join(paths.get(id(mapping), ""), key)
            faults.append(Fault(file, line + 1, column + 1, path, f"key {describe(key)} a second time",
                                "each key once in its mapping"))
    return data, faults


def decode(raw: bytes, file: str):
    """Bytes to text (UTF-8, BOM allowed). Returns ``(text, faults)``."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Fault(file, line, column, "(file)", "bytes that are not UTF-8", "a UTF-8 text file")]


def _join(path: str, key) -> str:
    key = str(key)
    return f"{path}.{key}" if path else key


def _container_paths(data, path: str = "", out: dict | None = None) -> dict:
    """Map ``id(container)`` to its key path, to name the mapping a duplicate key was found in."""
    out = {} if out is None else out
    if isinstance(data, dict):
        out[id(data)] = path
        for key, value in data.items():
            _container_paths(value, _join(path, key), out)
    elif isinstance(data, list):
        out[id(data)] = path
        for index, value in enumerate(data):
            _container_paths(value, f"{path}[{index + 1}]", out)
    return out


# --- positions (0-based, as ruamel keeps them) ----------------------------------------------------


def node_pos(container) -> tuple[int, int]:
    """Where a mapping or list starts."""
    lc = getattr(container, "lc", None)
    if lc is None or lc.line is None:
        return 0, 0
    return lc.line, lc.col


def key_pos(mapping, key) -> tuple[int, int]:
    """Where a key of a mapping stands."""
    if isinstance(mapping, CommentedMap):
        try:
            return tuple(mapping.lc.key(key))
        except (KeyError, TypeError):
            pass
    return node_pos(mapping)


def value_pos(mapping, key) -> tuple[int, int]:
    """Where the value of a key stands (for a nested block, its first line)."""
    if isinstance(mapping, CommentedMap):
        try:
            return tuple(mapping.lc.value(key))
        except (KeyError, TypeError):
            pass
    return node_pos(mapping)


def item_pos(seq, index: int) -> tuple[int, int]:
    """Where item ``index`` (0-based) of a list stands."""
    if isinstance(seq, CommentedSeq):
        try:
            return tuple(seq.lc.item(index))
        except (KeyError, TypeError):
            pass
    return node_pos(seq)
