"""Editing one rule file from the browser: a county's own file, or the city file with its bounds.

An edit is a set of :class:`Changes` typed into the editor's form; :func:`propose` turns them into the
file's new text, written with :mod:`app.rules.yamledit` so that comments, key order and quoting are kept
and only the lines the edit needs differ. Nothing here writes to disk: the new text is checked as part
of the whole directory (``check_directory(..., overrides={rel: text})``, the loader's own schemas)
before :mod:`app.services.rule_edits` saves anything.

History is never rewritten. A value that is in force (a standard, a limit, a deadline, a tier table)
changes only from an *effective date*, today or later, by adding a dated entry:

- a dated series gets one more entry; an entry already in force is never replaced (a planned one,
  dated after today, may be corrected);
- a plain value becomes a dated series whose first entry keeps the old value from :data:`SINCE_ALWAYS`
  (1900-01-01, the first day an application may be dated: ``app.rules.inputs.FIRST_YEAR``), so the old
  value stays in force on exactly the days it was before, and the new value follows from the
  effective date;
- a value a county inherits from the city is restated in the county file (a county's series replaces
  the city's whole): the city's entries before the effective date, then the new one;
- a planned entry (dated after today) of the file's own can be withdrawn: what was in force before it
  stays in force.

Categories with their documents checklists, ``raised`` and the city's ``bounds`` are not dated in the
format; they change as of the save.
"""
from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from app.rules import yamledit as Y
from app.rules.faults import Fault
from app.rules.inputs import FIRST_YEAR
from app.rules.merge import effective_tree, lookup, tier_tables
from app.rules.ruleset import DEFAULT_TABLE
from app.rules.schema import MERGED_SECTIONS, check_document
from app.rules.series import parse_date
from app.rules.yamlsource import decode, parse

SINCE_ALWAYS = date(FIRST_YEAR, 1, 1)
#: where a section the file does not have yet is inserted
SECTION_ORDER = ("extends", "region") + MERGED_SECTIONS + ("raised", "bounds")
_MISSING = object()


class FileFaulty(Exception):
    """The file (or the city file it extends) does not load on its own: the editor cannot show it."""

    def __init__(self, faults: list[Fault]):
        super().__init__("\n".join(str(f) for f in faults))
        self.faults = faults


@dataclass(frozen=True)
class EditProblem:
    """An edit refused before validation; ``code`` names the reason (the screens word it), ``field``
    the form field it belongs to."""

    field: str
    code: str
    detail: str = ""


@dataclass
class CategoryEdit:
    kind: str
    code: str
    name: str = ""
    documents: list[str] = field(default_factory=list)
    tiers: str = ""
    remove: bool = False
    name_en: str | None = None  # the English name (``name_en``); None: not on the form, left as it is


@dataclass
class Changes:
    """What the form asks for. Texts are as typed: the loader's schema judges them."""

    effective: date | None = None
    values: dict[str, str] = field(default_factory=dict)               # leaf path → new value
    settings: dict[str, list[str] | bool] = field(default_factory=dict)  # leaf path → chosen list, or flag
    tables: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # table → rows (from, multiplier)
    categories: list[CategoryEdit] = field(default_factory=list)
    new_category: CategoryEdit | None = None
    withdrawals: list[tuple[str, str, date]] = field(default_factory=list)  # (field key, leaf path, planned day)
    new_table: tuple[str, list[tuple[str, str]]] | None = None  # (name, rows): a tier table the file adds
    raised: dict[str, str] = field(default_factory=dict)               # table → basis ("" withdraws it)
    bounds: dict[str, tuple[str, str]] = field(default_factory=dict)   # path → (min, max) ("", "" removes)


@dataclass
class Proposal:
    """The file as it would be after the edit."""

    rel: str
    old_text: str
    text: str
    effective: date | None
    changed: list[str]
    problems: list[EditProblem]
    #: not refusals, what the editor should know: ``restated_drops`` — the county now states a value it
    #: inherited, so the city's entries from the effective date on no longer reach it
    notes: list[EditProblem] = field(default_factory=list)

    @property
    def diff(self) -> str:
        return Y.unified_diff(self.old_text, self.text, self.rel)

    @property
    def unchanged(self) -> bool:
        return self.text == self.old_text


def digest_of(raw: bytes) -> str:
    """sha256 of a file's bytes: what the form remembers, to refuse a save over a change made meanwhile."""
    return hashlib.sha256(raw).hexdigest()


def editor_text(raw: bytes) -> str:
    """A file's text as the editor works on it: without a byte-order mark, lines ending in ``\n``."""
    return raw.decode("utf-8-sig").replace("\r\n", "\n")


def encode_like(previous: bytes, text: str) -> bytes:
    """``text`` (edited with ``\n`` line ends) as bytes the way the file was written: a file saved on
    Windows keeps its byte-order mark and ``\r\n`` line ends, so only the changed lines differ."""
    if b"\r\n" in previous:
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    return codecs.BOM_UTF8 + data if previous.startswith(codecs.BOM_UTF8) else data


def _checked(raw: bytes, rel: str, role: str):
    text, faults = decode(raw, rel)
    if text is None:
        raise FileFaulty(faults)
    text = text.replace("\r\n", "\n")
    data, faults = parse(text, rel)
    if faults:
        raise FileFaulty(faults)
    tree, faults = check_document(data, role, rel)
    if faults:
        raise FileFaulty(faults)
    return text, tree


class RuleFile:
    """One rule file as the editor sees it: its text and digest, its checked values, and (for a
    county) the city file it extends, merged the way the engine merges them."""

    def __init__(self, rules_dir, rel: str):
        self.rules_dir = Path(rules_dir)
        self.rel = rel
        self.role = "county" if "/" in rel else "city"
        raw = (self.rules_dir / rel).read_bytes()
        self.digest = digest_of(raw)
        self.text, self.tree = _checked(raw, rel, self.role)
        self.city_rel = self.city_text = self.city_tree = None
        if self.role == "county":
            self.city_rel = f"{self.tree['extends'].value}.yaml"
            try:
                city_raw = (self.rules_dir / self.city_rel).read_bytes()
            except OSError:
                raise FileFaulty([Fault(rel, 1, 1, "extends", self.city_rel, "an existing city file")]) from None
            self.city_text, self.city_tree = _checked(city_raw, self.city_rel, "city")
            self.merged = effective_tree(self.city_tree, self.tree)
        else:
            self.merged = effective_tree(self.tree, None)
        self.code = self.tree["region"]["code"].value
        self.name = self.tree["region"]["name"].value

    def leaf(self, path: str):
        return lookup(self.merged, path)

    def value_on(self, path: str, day: date):
        """The Val in force on ``day`` at ``path`` (city and county merged), or None."""
        leaf = self.leaf(path)
        return None if leaf is None else leaf.at(day)

    def own(self, path: str) -> bool:
        """Whether this file itself writes ``path`` (else a county inherits it from the city)."""
        return lookup(self.tree, path) is not None

    def table_names(self) -> list[str]:
        names = sorted(tier_tables(self.merged))
        first = [n for n in ("illness_tiers", "education_tiers") if n in names]
        return first + [n for n in names if n not in first]

    def category(self, kind: str, code: str) -> dict | None:
        return self.merged.get("categories", {}).get(kind, {}).get(code)

    def category_values(self, kind: str, code: str) -> tuple[str, list[str], str] | None:
        """``(name, documents, tiers)`` of an effective category; ``tiers`` resolved as the engine does."""
        entry = self.category(kind, code)
        if entry is None:
            return None
        documents = list(entry["documents"].value) if "documents" in entry else []
        tiers = entry["tiers"].value if "tiers" in entry else DEFAULT_TABLE.get(kind, "illness_tiers")
        return entry["name"].value if "name" in entry else "", documents, tiers

    def category_name_en(self, kind: str, code: str) -> str:
        """The English name of an effective category (``name_en``), empty when none is given."""
        entry = self.category(kind, code)
        return entry["name_en"].value if entry is not None and "name_en" in entry else ""

    def city_has_category(self, kind: str, code: str) -> bool:
        return self.city_tree is not None and code in (self.city_tree.get("categories", {}).get(kind) or {})


def _same_number(typed: str, value) -> bool:
    try:
        return Decimal(typed) == Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return False


def _same_rows(rows: list[tuple[str, str]], current) -> bool:
    return len(rows) == len(current) and all(
        _same_number(start, row.start) and _same_number(multiplier, row.multiplier)
        for (start, multiplier), row in zip(rows, current))


def _plain(node):
    """A YAML node as plain data, to compare what two nodes say whatever their style."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node if isinstance(node, bool) or node is None else str(node)


def _same_setting(wanted, current) -> bool:
    """A list of choices is a set (order is not a change); a flag is a flag."""
    if isinstance(wanted, list):
        return isinstance(current, (list, tuple)) and set(wanted) == set(current) and len(wanted) == len(current)
    return wanted is bool(current)


def _bound_text(value) -> str:
    return "" if value is None else getattr(value, "text", str(value))


class _Editor:
    """Applies changes to the round-trip document of one file."""

    def __init__(self, rule_file: RuleFile, today: date):
        self.file = rule_file
        self.doc = Y.load(rule_file.text)
        self.city_doc = Y.load(rule_file.city_text) if rule_file.city_text is not None else None
        self.today = today
        self.notes: list[EditProblem] = []

    # -- navigation ----------------------------------------------------------------------------

    @staticmethod
    def _get(node, parts):
        for part in parts:
            if not isinstance(node, CommentedMap) or part not in node:
                return _MISSING
            node = node[part]
        return node

    def _put_new(self, parts: list, value) -> None:
        """Add ``value`` at a path whose mappings may not all exist yet: the missing ones are built
        around the value, then added once (a new section in its place among the file's sections)."""
        node, index = self.doc, 0
        while index < len(parts) - 1 and isinstance(node.get(parts[index]), CommentedMap):
            node, index = node[parts[index]], index + 1
        for part in reversed(parts[index + 1:]):
            value = CommentedMap([(part, value)])
        key = parts[index]
        if key in node:  # a null where a mapping is now needed (a removed category's kind, say)
            Y.set_value(node, key, value)
        elif node is self.doc:
            rank = {name: i for i, name in enumerate(SECTION_ORDER)}
            mine = rank.get(key, len(rank))
            position = next((i for i, k in enumerate(node) if rank.get(k, len(rank)) > mine), len(node))
            Y.insert_section(node, position, key, value)
        else:
            Y.append_key(node, key, value)

    def _delete(self, parts: list) -> None:
        """Remove the key at ``parts``, and every mapping above it that it leaves empty."""
        chain = [self.doc]
        for part in parts[:-1]:
            chain.append(chain[-1][part])
        depth = len(parts) - 1
        while depth > 0 and len(chain[depth]) == 1:
            depth -= 1
        Y.delete_key(chain[depth], parts[depth])

    # -- dated values --------------------------------------------------------------------------

    def _restated(self, parts: list, effective: date) -> CommentedMap:
        """A county's new series for a value it inherits: the city's entries before ``effective``."""
        series = CommentedMap()
        source = self._get(self.city_doc, parts) if self.city_doc is not None else _MISSING
        if Y.is_dated(source):
            later = []
            for start, value in source.items():
                if parse_date(str(start)) < effective:
                    series[Y.RawDate(start)] = Y.plain_copy(value)
                else:
                    later.append(f"{start}: {value}")
            if later:
                self.notes.append(EditProblem(".".join(parts), "restated_drops", "; ".join(later)))
        elif source is not _MISSING and source is not None:
            series[Y.day(SINCE_ALWAYS)] = Y.plain_copy(source)
        return series

    def dated(self, path: str, new, effective: date) -> EditProblem | None:
        """Put ``new`` in force at ``path`` from ``effective`` on, keeping every earlier value."""
        parts = path.split(".")
        when = Y.day(effective)
        node = self._get(self.doc, parts)
        if node is _MISSING or node is None:
            series = self._restated(parts, effective)
            series[when] = new
            if node is None:
                Y.set_value(self._get(self.doc, parts[:-1]), parts[-1], series)
            else:
                self._put_new(parts, series)
        elif Y.is_dated(node):
            if when in node:
                if effective <= self.today:
                    return EditProblem("", "entry_in_force", when)
                Y.set_value(node, next(k for k in node if k == when), new)
            else:
                position = sum(1 for start in node if (parse_date(str(start)) or date.max) < effective)
                Y.insert_key(node, position, when, new)
        else:
            series = CommentedMap()
            series[Y.day(SINCE_ALWAYS)] = node
            series[when] = new
            Y.set_value(self._get(self.doc, parts[:-1]), parts[-1], series)
        return None

    def put_table(self, name: str, table) -> None:
        """Add a tier table ``aid.<name>`` (undated: nothing uses it before a category names it)."""
        self._put_new(["aid", name], table)

    def withdraw(self, key: str, path: str, day: date) -> EditProblem | None:
        """Take back this file's entry of ``path`` planned from ``day`` (after today): what was in force
        before it stays in force. A series left empty goes, and the value is inherited again."""
        parts = path.split(".")
        node = self._get(self.doc, parts)
        start = next((k for k in node if parse_date(str(k)) == day), None) if Y.is_dated(node) else None
        if start is None or day <= self.today:
            return EditProblem(key, "not_planned", day.isoformat())
        if len(node) == 1 or self._restates_city(parts, node, start):
            self._delete(parts)  # the county follows the city again, as before the change
        else:
            Y.delete_key(node, start)
        return None

    def _restates_city(self, parts: list, node, withdrawn) -> bool:
        """Whether a county's series, without ``withdrawn``, only says what the city file says."""
        if self.city_doc is None:
            return False
        city = self._get(self.city_doc, parts)
        if city is _MISSING:
            return False
        rest = {str(k): _plain(v) for k, v in node.items() if k != withdrawn}
        said = ({str(k): _plain(v) for k, v in city.items()} if Y.is_dated(city)
                else {SINCE_ALWAYS.isoformat(): _plain(city)})
        return rest == said

    # -- categories ----------------------------------------------------------------------------

    def category(self, edit: CategoryEdit) -> bool:
        """Apply one shown category's edit; True when the file changed."""
        parts = ["categories", edit.kind, edit.code]
        own = self._get(self.doc, parts)
        if edit.remove:
            if self.file.role == "county" and self.file.city_has_category(edit.kind, edit.code):
                if own is _MISSING:
                    self._put_new(parts, None)  # null removes an inherited category
                else:
                    Y.set_value(self._get(self.doc, parts[:-1]), edit.code, None)
            elif own is not _MISSING:
                self._delete(parts)
            return True
        current = self.file.category_values(edit.kind, edit.code)
        if current is None:
            return False
        name, documents, tiers = current
        wanted = {}
        if edit.name.strip() != name:
            wanted["name"] = edit.name.strip()
        if edit.tiers and edit.tiers != tiers:
            wanted["tiers"] = edit.tiers
        if edit.documents != documents:
            wanted["documents"] = edit.documents
        dropped_en = self._name_en_change(edit, own, wanted)
        if not wanted:
            return dropped_en
        if isinstance(own, CommentedMap):
            for key, value in wanted.items():
                if key == "documents" and isinstance(own.get(key), CommentedSeq) and not own[key].fa.flow_style():
                    Y.edit_list(own[key], value)
                elif key in own:
                    Y.set_value(own, key, Y.block_list(value) if key == "documents" else value)
                else:
                    Y.append_key(own, key, Y.block_list(value) if key == "documents" else value)
        else:  # inherited: the county file states only what differs
            entry = CommentedMap((k, Y.block_list(v) if k == "documents" else v) for k, v in wanted.items())
            self._put_new(parts, entry)
        return True

    def _name_en_change(self, edit: CategoryEdit, own, wanted: dict) -> bool:
        """Put a changed English name into ``wanted``; an English name cleared on the form goes from this
        file's own entry (True: the file changed). An inherited one cannot be cleared here: it stays."""
        if edit.name_en is None:
            return False
        typed = edit.name_en.strip()
        if typed == self.file.category_name_en(edit.kind, edit.code):
            return False
        if typed:
            wanted["name_en"] = typed
            return False
        if isinstance(own, CommentedMap) and "name_en" in own:
            Y.delete_key(own, "name_en")
            return True
        return False

    def new_category(self, edit: CategoryEdit) -> EditProblem | None:
        if self.file.category(edit.kind, edit.code) is not None:
            return EditProblem("newcat", "category_exists", f"{edit.kind}:{edit.code}")
        entry = CommentedMap([("name", edit.name.strip())])
        if (edit.name_en or "").strip():
            entry["name_en"] = edit.name_en.strip()
        if edit.tiers:
            entry["tiers"] = edit.tiers
        entry["documents"] = Y.block_list(edit.documents)
        parts = ["categories", edit.kind, edit.code]
        if self._get(self.doc, parts) is None:  # a county had removed it with null: restored, its own way
            Y.set_value(self._get(self.doc, parts[:-1]), edit.code, entry)
        else:
            self._put_new(parts, entry)
        return None

    # -- raised and bounds (not dated) -----------------------------------------------------------

    def keyed(self, section: str, key: str, value) -> None:
        """Set (or, with ``None`` meaning "remove", delete) ``section[key]`` where the key is a dotted
        path written as one key (``raised``, ``bounds``)."""
        parts = [section, key]
        existing = self._get(self.doc, parts)
        if value is None:
            if existing is not _MISSING:
                self._delete(parts)
        elif existing is _MISSING:
            self._put_new(parts, value)
        elif isinstance(existing, CommentedSeq) and isinstance(value, CommentedSeq):
            for index, item in enumerate(value):  # in place: the pair keeps its style and comments
                if index < len(existing):
                    existing[index] = item
        else:
            Y.set_value(self.doc[section], key, value)


def propose(rule_file: RuleFile, changes: Changes, shown_on: date, today: date) -> Proposal:
    """The file's text after ``changes``. A field counts as changed when what was typed differs from
    what the form showed (the rules in force on ``shown_on``), so untouched fields never undo a planned
    change. Values in force change from ``changes.effective`` on (see the module's docstring)."""
    editor = _Editor(rule_file, today)
    problems: list[EditProblem] = []
    changed: list[str] = []
    dated = []
    for path, typed in changes.values.items():
        typed = typed.strip()
        current = rule_file.value_on(path, shown_on)
        if not typed or (current is not None and _same_number(typed, current.value)):
            continue
        dated.append((f"value:{path}", path, Y.scalar(typed)))
    for path, wanted in changes.settings.items():
        current = rule_file.value_on(path, shown_on)
        if current is not None and _same_setting(wanted, current.value):
            continue
        dated.append((f"setting:{path}", path, Y.flow_list(list(wanted)) if isinstance(wanted, list) else wanted))
    for name, rows in changes.tables.items():
        rows = [(start.strip(), multiplier.strip()) for start, multiplier in rows if start.strip() or multiplier.strip()]
        current = rule_file.value_on(f"aid.{name}", shown_on)
        if current is not None and _same_rows(rows, current.value):
            continue
        table = Y.block_list([Y.flow_map(**{"from": Y.scalar(start), "multiplier": Y.scalar(multiplier)})
                              for start, multiplier in rows])
        dated.append((f"table:{name}", f"aid.{name}", table))
    if dated:
        if changes.effective is None:
            problems.append(EditProblem("effective", "effective_needed"))
        elif changes.effective < today:
            problems.append(EditProblem("effective", "effective_past", today.isoformat()))
        else:
            for key, path, new in dated:
                problem = editor.dated(path, new, changes.effective)
                if problem is None:
                    changed.append(key)
                else:
                    problems.append(EditProblem(key, problem.code, problem.detail))
    if changes.new_table is not None:
        name, rows = changes.new_table
        rows = [(start.strip(), multiplier.strip()) for start, multiplier in rows if start.strip() or multiplier.strip()]
        if rule_file.leaf(f"aid.{name}") is not None:
            problems.append(EditProblem("newtable", "table_exists", name))
        else:  # used by no category yet: it changes no verdict until a category names it
            editor.put_table(name, Y.block_list([Y.flow_map(**{"from": Y.scalar(start),
                                                              "multiplier": Y.scalar(multiplier)})
                                                 for start, multiplier in rows]))
            changed.append("newtable")
    for key, path, day in changes.withdrawals:
        problem = editor.withdraw(key, path, day)
        (problems.append(problem) if problem else changed.append(f"withdraw:{path}:{day.isoformat()}"))
    for edit in changes.categories:
        if editor.category(edit):
            changed.append(f"cat:{edit.kind}:{edit.code}")
    if changes.new_category is not None and changes.new_category.code.strip():
        problem = editor.new_category(changes.new_category)
        (problems.append(problem) if problem else changed.append("newcat"))
    current_raised = rule_file.tree.get("raised", {})
    for name, basis in changes.raised.items():
        path = f"aid.{name}.multiplier"
        now = current_raised[path].value if path in current_raised else ""
        if basis.strip() != now:
            editor.keyed("raised", path, basis.strip() or None)
            changed.append(f"raised:{name}")
    current_bounds = rule_file.tree.get("bounds", {})
    for path, (low, high) in changes.bounds.items():
        low, high = low.strip(), high.strip()
        now = current_bounds.get(path)
        now_texts = tuple(_bound_text(v) for v in now.value) if now is not None else ("", "")
        if all(typed == shown or (typed and shown and _same_number(typed, shown))
               for typed, shown in zip((low, high), now_texts)):
            continue
        pair = None if not (low or high) else Y.flow_list([Y.scalar(low) if low else None,
                                                           Y.scalar(high) if high else None])
        editor.keyed("bounds", path, pair)
        changed.append(f"bound:{path}")
    text = Y.dump(editor.doc) if changed else rule_file.text
    return Proposal(rule_file.rel, rule_file.text, text, changes.effective if dated else None, changed, problems,
                    editor.notes)
