"""What can go wrong: faults in rule files, and errors in an evaluation's input.

A rule directory is checked as a whole and every fault is reported in one run, so faults are plain
values collected in lists, never exceptions raised at the first problem. ``RulesInvalid`` carries the
full list once loading is over. ``InputError`` is the one exception of the evaluation path: the input
is the caller's, and the first problem found is the answer.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Fault:
    """One fault of a rule directory, printed as
    ``<file>:<line>:<column>: <key path>: found <what>, expected <what>``.

    ``file`` is relative to the rules directory; ``line`` and ``column`` are 1-based and point at the
    offending value (a table's offending row; for a YAML syntax error, where the parser stopped).
    """

    file: str
    line: int
    column: int
    path: str
    found: str
    expected: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}:{self.column}: {self.path}: "
            f"found {self.found}, expected {self.expected}"
        )

    @property
    def where(self) -> str:
        """``file:line`` — how tests and the editor point at a fault."""
        return f"{self.file}:{self.line}"


class RulesInvalid(Exception):
    """The rule directory has faults; ``faults`` lists every one of them, sorted by position."""

    def __init__(self, faults: list[Fault]):
        self.faults = sorted(faults)
        super().__init__("\n".join(str(f) for f in self.faults))


class InputError(ValueError):
    """An evaluation input the engine cannot answer; ``field`` names the input field
    (dotted, e.g. ``household.size``), ``message`` says what is wrong in plain English."""

    def __init__(self, field: str | None, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class Problem:
    """A fault found inside the schema layer, before the file name and full key path are known.

    ``line``/``column`` are 0-based as ruamel gives them; ``rel`` is the part of the key path below the
    schema field that found it (``""``, ``".2019-13-01"``, ``"[2].from"``). The schema walker turns a
    Problem into a :class:`Fault` once the file and the field's path are known.
    """

    __slots__ = ("line", "column", "rel", "found", "expected")

    def __init__(self, line: int, column: int, rel: str, found: str, expected: str):
        self.line = line
        self.column = column
        self.rel = rel
        self.found = found
        self.expected = expected

    def fault(self, file: str, path: str) -> Fault:
        full = join_path(path, self.rel)
        return Fault(file, self.line + 1, self.column + 1, full or "(file)", self.found, self.expected)

    def __repr__(self) -> str:  # shows up in marshmallow error dicts while debugging
        return f"Problem({self.line + 1}:{self.column + 1}{self.rel}: found {self.found}, expected {self.expected})"


def join_path(path: str, rel: str) -> str:
    """Join a dotted key path and a relative suffix (``.key``, ``[n]`` or ``key``)."""
    if not rel:
        return path
    if not path:
        return rel.lstrip(".")
    if rel.startswith(("[", ".")):
        return path + rel
    return f"{path}.{rel}"


def describe(value) -> str:
    """How a found value is shown in a fault: numbers and dates as written, strings quoted."""
    from app.rules.yamlsource import BadNumber, DateText, Number

    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Number, BadNumber)):
        return value.text
    if isinstance(value, DateText):
        return str(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"'{shown}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
