"""Writing a rule file back with ruamel.yaml round-trip, so that an edit changes only the lines it must.

The loader (:mod:`app.rules.yamlsource`) reads numbers and dates into exact values for checking; the
editor needs the opposite: every scalar it does not touch must come back out exactly as it was written.
So here numbers and dates load as :class:`Raw` — a ``str`` that remembers its YAML tag and is written
back as its own text (``612.5`` stays ``612.5``, ``2019-07-01`` stays ``2019-07-01``) — ``null`` is
written ``null``, and quoting (``preserve_quotes``), key order and comments come from ruamel's round-trip
containers. Every shipped rule file loads and dumps back byte for byte (a test checks it).

Comments: ruamel keeps the comment lines that follow a value with the last value before them (the
end-of-line comment of ``2026-07-01: 915`` also carries the heading comment of the key after it, and
a list keeps them at its end). Adding an entry after that value, or deleting it, would leave those
lines in the wrong place; :func:`append_key`, :func:`insert_key`, :func:`delete_key` and
:func:`edit_list` move them so they still stand before the key they describe.
"""
from __future__ import annotations

import unicodedata

import difflib
import io
import re
from datetime import date

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import CommentMark
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.tokens import CommentToken

INT, FLOAT, TIMESTAMP = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"
_INT_TEXT = re.compile(r"-?[0-9]+").fullmatch
_FLOAT_TEXT = re.compile(r"-?[0-9]+\.[0-9]+").fullmatch


class Raw(str):
    """A scalar kept as the text it was written as, with the YAML tag it resolved to."""

    tag = "tag:yaml.org,2002:str"


class RawInt(Raw):
    tag = INT


class RawFloat(Raw):
    tag = FLOAT


class RawDate(Raw):
    tag = TIMESTAMP


def scalar(text: str):
    """What a typed value is written as: a number keeps the text typed (``960``, ``612.5``); anything
    else is written as a string, which the loader's schema then reports on its field. Full-width
    digits and points typed with a Chinese input method (``９６０``, ``６１２．５``) count as numbers."""
    text = unicodedata.normalize("NFKC", text).strip()
    if _INT_TEXT(text):
        return RawInt(text)
    if _FLOAT_TEXT(text):
        return RawFloat(text)
    return text


def day(value: date) -> RawDate:
    return RawDate(value.isoformat())


class _Constructor(RoundTripConstructor):
    def construct_raw(self, node):
        return {INT: RawInt, FLOAT: RawFloat, TIMESTAMP: RawDate}[node.tag](node.value)


for _tag in (INT, FLOAT, TIMESTAMP):
    _Constructor.add_constructor(_tag, _Constructor.construct_raw)


class _Representer(RoundTripRepresenter):
    def represent_raw(self, data):
        return self.represent_scalar(data.tag, str(data))

    def represent_null(self, data):
        return self.represent_scalar("tag:yaml.org,2002:null", "null")


for _cls in (RawInt, RawFloat, RawDate):
    _Representer.add_representer(_cls, _Representer.represent_raw)
_Representer.add_representer(type(None), _Representer.represent_null)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line (a document title, a basis) the author wrote on one
    yaml.indent(mapping=2, sequence=4, offset=2)  # the house layout of rules/: "key:\n  - item"
    return yaml


def load(text: str):
    """The editable document of a rule file's text (raises ruamel's YAMLError on a syntax error)."""
    return _yaml().load(text)


def dump(doc) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def unified_diff(old: str, new: str, rel: str) -> str:
    """The change as a unified diff, as reviewers read it and revisions store it."""
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{rel}", tofile=f"b/{rel}"))


def flow_map(**items) -> CommentedMap:
    """A ``{from: 0, multiplier: 3}`` style mapping (how tier rows are written)."""
    row = CommentedMap(items)
    row.fa.set_flow_style()
    return row


def flow_list(items) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def block_list(items) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_block_style()
    return seq


def is_dated(node) -> bool:
    """A dated series: a mapping whose keys are all dates."""
    return isinstance(node, CommentedMap) and bool(node) and all(isinstance(k, RawDate) for k in node)


def plain_copy(node):
    """A copy without comments (restating another file's values: its comments describe that file)."""
    if isinstance(node, CommentedMap):
        out = CommentedMap((k, plain_copy(v)) for k, v in node.items())
        if node.fa.flow_style():
            out.fa.set_flow_style()
        return out
    if isinstance(node, CommentedSeq):
        out = CommentedSeq(plain_copy(v) for v in node)
        if node.fa.flow_style():
            out.fa.set_flow_style()
        return out
    return node


# --- comment lines that follow a block ------------------------------------------------------------


def _block(node) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and len(node) > 0 and not node.fa.flow_style()


def _split_token(entry: list, index: int) -> str:
    """Cut the lines after the end-of-line comment off ``entry[index]``; return them."""
    token = entry[index] if entry is not None and len(entry) > index else None
    if token is None:
        return ""
    head, newline, tail = token.value.partition("\n")
    if head.strip():
        token.value = head + newline
    else:
        entry[index] = None
    return tail


def take_tail_of(container, key) -> str:
    """Detach the comment lines after the last line of ``container[key]`` (they introduce what follows)."""
    value = container[key]
    if _block(value):
        return take_tail(value)
    if isinstance(container, CommentedMap):
        return _split_token(container.ca.items.get(key), 2)
    return _split_token(container.ca.items.get(key), 0)


def take_tail(node) -> str:
    """Detach the comment lines after the last line of a block mapping or list."""
    if isinstance(node, CommentedMap):
        return take_tail_of(node, list(node)[-1]) if node else ""
    if isinstance(node, CommentedSeq):
        tail = take_tail_of(node, len(node) - 1) if node else ""
        for token in node.ca.end or ():
            tail += " " * (token.column if token.value.startswith("#") else 0) + token.value
        node.ca.end = []
        return tail
    return ""


def put_tail_of(container, key, tail: str) -> None:
    """Attach comment lines after the last line of ``container[key]``."""
    if not tail:
        return
    value = container[key]
    if _block(value):
        put_tail(value, tail)
        return
    if isinstance(container, CommentedSeq):
        _end_comment(container, tail)
        return
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    token = entry[2]
    if token is None:
        entry[2] = CommentToken("\n" + tail, CommentMark(0), None)
    else:
        token.value = token.value + tail


def put_tail(node, tail: str) -> None:
    if not tail:
        return
    if isinstance(node, CommentedMap) and node:
        put_tail_of(node, list(node)[-1], tail)
    elif isinstance(node, CommentedSeq):
        if node and _block(node[-1]):
            put_tail(node[-1], tail)
        else:
            _end_comment(node, tail)


def _end_comment(seq: CommentedSeq, tail: str) -> None:
    """Comment lines after a list's last item (ruamel writes ``ca.end`` only when ``ca.comment`` is set)."""
    if seq.ca.comment is None:
        seq.ca.comment = [None, None]
    seq.ca.end = [CommentToken(tail, CommentMark(0), None)] + list(seq.ca.end or [])


def _leading_blank_lines(tail: str) -> str:
    return tail[: len(tail) - len(tail.lstrip("\n"))]


def append_key(mapping: CommentedMap, key, value) -> None:
    """Add ``key`` at the end of ``mapping``; the comment lines that followed the old last line now
    follow the new one."""
    tail = take_tail(mapping) if mapping else ""
    mapping[key] = value
    put_tail(mapping, tail)


def insert_key(mapping: CommentedMap, position: int, key, value) -> None:
    """Insert ``key`` before the key at ``position`` (a dated entry between two others): the comment
    lines that introduced the next key stay right above it."""
    keys = list(mapping)
    if position >= len(keys):
        append_key(mapping, key, value)
        return
    if position == 0:
        mapping.insert(0, key, value)
        return
    tail = take_tail_of(mapping, keys[position - 1])
    mapping.insert(position, key, value)
    put_tail_of(mapping, key, tail)


def insert_section(mapping: CommentedMap, position: int, key, value) -> None:
    """Insert a new section ``key`` before the key at ``position`` (at the end when there is none),
    set apart by a blank line. The comment lines that introduced the next key move with it, below the
    new section."""
    keys = list(mapping)
    if not keys or position == 0:
        mapping.insert(0, key, value)
        return
    previous = keys[min(position, len(keys)) - 1]
    tail = take_tail_of(mapping, previous)
    blank = _leading_blank_lines(tail)
    put_tail_of(mapping, previous, blank or "\n")
    if position >= len(keys):
        mapping[key] = value
        tail = tail[len(blank):]  # comments closing the file stay at its end
    else:
        mapping.insert(position, key, value)
    put_tail_of(mapping, key, tail)


def delete_key(mapping: CommentedMap, key) -> None:
    """Remove ``key``: the comment lines that introduced it go with it, those that introduced the next
    key stay before that key. (Comments above the first key of a nested mapping are kept by its
    parent; deleting that first key keeps them.)"""
    keys = list(mapping)
    index = keys.index(key)
    own_tail = take_tail_of(mapping, key)
    if index > 0:
        introduced = take_tail_of(mapping, keys[index - 1])
        own_tail = own_tail or _leading_blank_lines(introduced)
    del mapping[key]
    mapping.ca.items.pop(key, None)
    if index > 0:
        put_tail_of(mapping, keys[index - 1], own_tail)


def set_value(mapping: CommentedMap, key, value) -> None:
    """Replace the value of an existing key. A block that replaces a scalar (or the reverse) takes over
    the comment lines that followed the old value; an end-of-line comment stays on the key's line."""
    old = mapping[key]
    if _block(old) or _block(value):
        tail = take_tail_of(mapping, key)
        mapping[key] = value
        put_tail_of(mapping, key, tail)
    else:
        mapping[key] = value


def edit_list(seq: CommentedSeq, new_items: list) -> None:
    """Make ``seq`` hold ``new_items`` by inserting, deleting and replacing only the items that differ,
    so unchanged items keep their lines and comments."""
    tail = take_tail(seq)
    old = [str(item) for item in seq]
    matcher = difflib.SequenceMatcher(a=old, b=[str(item) for item in new_items], autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        for index in range(i2 - 1, i1 - 1, -1):
            del seq[index]
        for offset, item in enumerate(new_items[j1:j2]):
            seq.insert(i1 + offset, item)
    put_tail(seq, tail)
