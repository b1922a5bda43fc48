"""The rule editor's form, generated from the rule schema, and the answers turned into :class:`Changes`.

Every numeric leaf the schema knows (standards, eligibility figures, limits, deadlines and the
project's own keys), every tier table, every category of the file's effective rules and, for the
city, its bounds become fields; adding a key to the schema adds it to the form. Field names, as posted:

``effective``                                   the day dated changes take effect (YYYY-MM-DD)
``value:<leaf path>``                           a numeric leaf
``table:<name>:<row>:from`` / ``:multiplier``   tier-table rows, numbered from 1; blank rows add a row,
                                                a row cleared on both sides is dropped
``setting:<path>``                              a setting that is not a number: a list of choices (one
                                                checkbox ``setting:<path>:<choice>`` each, the field
                                                itself a marker that it was shown) or a flag (true|false)
``newtable:name``, ``newtable:<row>:from|multiplier``  a tier table the file adds (``<name>_tiers``)
``withdraw:<path>:<YYYY-MM-DD>``                 withdraw the file's own entry planned from that day
``raised:<name>``                               a county's basis for going above the city's maximum
``cat:<kind>:<code>:name|name_en|documents|tiers|remove``  a category; documents one per line
``newcat:kind|code|name|name_en|documents|tiers``       one new category
``bound:<path>:min|max``, ``newbound:path|min|max``  the city's bounds

Faults of a proposal are placed on these fields by key path (:func:`place_faults`), so the loader's
own messages appear where the value was typed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from app.rules.editing import CategoryEdit, Changes, RuleFile
from app.rules.faults import Fault
from app.rules.keyed_fields import BOUNDABLE_TABLE, CATEGORY_KINDS
from app.rules.ruleset import CATEGORY_ORDER
from app.rules.schema import EMERGENCY_RESIDENCY, NUMERIC_LEAVES, REQUIRED_LEAVES, RESIDENCY
from app.rules.series import Series, parse_date

#: numeric leaves in the order of the format (required first), then the project's optional keys
VALUE_PATHS = tuple(p for p in REQUIRED_LEAVES if p in NUMERIC_LEAVES) + tuple(
    sorted(NUMERIC_LEAVES - set(REQUIRED_LEAVES)))
#: the leaves that are not numbers or tables: lists of choices (with the schema's choices) and flags
CHOICE_PATHS = {"eligibility.residency": RESIDENCY, "eligibility.emergency_residency": EMERGENCY_RESIDENCY}
FLAG_PATHS = ("aid.cap_at_cost",)
BLANK_ROWS = 2
MAX_ROWS = 60


@dataclass
class SeriesEntry:
    start: str
    value: str
    source: str
    state: str  # past | in_force | planned
    own: bool = False  # written in the edited file itself (only those can be withdrawn)

    def withdraw_name(self, path: str) -> str | None:
        """The checkbox that withdraws this entry, when it is a planned entry of the edited file."""
        return f"withdraw:{path}:{self.start}" if self.state == "planned" and self.own else None


@dataclass
class ValueField:
    path: str
    shown: str
    source: str
    inherited: bool
    entries: list[SeriesEntry]
    bound: tuple[str, str] | None = None  # the city's [min, max] at this path ("" for an open side)

    @property
    def name(self) -> str:
        return f"value:{self.path}"

    @property
    def group(self) -> str:
        return self.path.split(".")[0]


@dataclass
class SettingField(ValueField):
    """A dated setting that is not a number: a list of choices (``options`` set; ``shown`` the list in
    force) or a flag (``options`` None; ``shown`` a bool)."""

    options: tuple[str, ...] | None = None

    @property
    def name(self) -> str:
        return f"setting:{self.path}"

    def checked(self, option: str, data) -> bool:
        """Whether a choice is ticked: as posted (after a preview), else as in force."""
        if data and self.name in data:
            return bool(data.get(f"{self.name}:{option}"))
        return option in (self.shown or ())

    def flag(self, data) -> str:
        if data and self.name in data:
            return data.get(self.name) or ""
        return "" if self.shown is None else ("true" if self.shown else "false")


@dataclass
class TableField:
    name: str
    shown: list[tuple[str, str]]
    source: str
    inherited: bool
    entries: list[tuple[SeriesEntry, list[tuple[str, str]]]]  # (entry, rows)
    raised: str | None  # a county's basis; None on the city file

    @property
    def key(self) -> str:
        return f"table:{self.name}"

    def rows(self, data) -> list[tuple[str, str]]:
        """The rows to show: as posted (after a preview), else those in force, plus blank rows."""
        posted = _posted_rows(self.name, data)
        rows = posted if posted is not None else list(self.shown)
        return rows + [("", "")] * BLANK_ROWS


@dataclass
class CategoryField:
    kind: str
    code: str
    name: str
    documents: list[str]
    tiers: str
    origin: str  # city: as the city file says; county: the county's own; changed: the city's, changed here
    name_en: str = ""  # the English name shown in the English screens (``name_en``)

    @property
    def key(self) -> str:
        return f"cat:{self.kind}:{self.code}"


@dataclass
class BoundField:
    path: str
    low: str
    high: str
    source: str

    @property
    def key(self) -> str:
        return f"bound:{self.path}"


@dataclass
class EditorForm:
    file: RuleFile
    shown_on: date
    values: list[ValueField] = field(default_factory=list)
    settings: list[SettingField] = field(default_factory=list)
    tables: list[TableField] = field(default_factory=list)
    categories: list[CategoryField] = field(default_factory=list)
    bounds: list[BoundField] = field(default_factory=list)

    @property
    def table_names(self) -> list[str]:
        return [t.name for t in self.tables]

    @property
    def kinds(self) -> tuple[str, ...]:
        return CATEGORY_KINDS

    @property
    def bound_paths(self) -> list[str]:
        """Paths a new bound may name: the numeric leaves and each table's multiplier and from."""
        return list(VALUE_PATHS) + [f"aid.{n}.{a}" for n in self.table_names for a in ("multiplier", "from")]


def _text(value) -> str:
    return "" if value is None else str(value)


def _bound_texts(pair) -> tuple[str, str]:
    return tuple(_text(getattr(side, "text", side)) for side in pair)


def _setting_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return ", ".join(value) if isinstance(value, (list, tuple)) else _text(value)


def _rows(table) -> list[tuple[str, str]]:
    return [(_text(row.start), _text(row.multiplier)) for row in table]


def _entries(leaf, on: date, convert=_text, rel: str = ""):
    if not isinstance(leaf, Series):
        return []
    in_force = leaf.start_of(on)
    return [SeriesEntry(start.isoformat(), convert(val.value), val.source,
                        "planned" if start > on else "in_force" if start == in_force else "past",
                        val.file == rel)
            for start, val in leaf.items]


def editor_form(rule_file: RuleFile, on: date) -> EditorForm:
    """The form of ``rule_file`` showing the rules in force on ``on``."""
    form = EditorForm(rule_file, on)
    bounds = (rule_file.city_tree if rule_file.role == "county" else rule_file.tree).get("bounds", {})
    for path in VALUE_PATHS:
        leaf = rule_file.leaf(path)
        val = leaf.at(on) if leaf is not None else None
        bound = bounds.get(path)
        form.values.append(ValueField(path, _text(val.value) if val else "", val.source if val else "",
                                      not rule_file.own(path), _entries(leaf, on, rel=rule_file.rel) if leaf is not None else [],
                                      _bound_texts(bound.value) if bound is not None else None))
    for path in (*CHOICE_PATHS, *FLAG_PATHS):
        leaf = rule_file.leaf(path)
        val = leaf.at(on) if leaf is not None else None
        shown = None if val is None else (list(val.value) if path in CHOICE_PATHS else bool(val.value))
        form.settings.append(SettingField(path, shown, val.source if val else "", not rule_file.own(path),
                                          _entries(leaf, on, _setting_text, rule_file.rel) if leaf is not None else [],
                                          options=CHOICE_PATHS.get(path)))
    raised = rule_file.tree.get("raised", {})
    for name in rule_file.table_names():
        leaf = rule_file.leaf(f"aid.{name}")
        val = leaf.at(on)
        entries = [(e, _rows(v.value)) for e, (_, v) in zip(_entries(leaf, on, str, rule_file.rel),
                                                            getattr(leaf, "items", []))]
        basis = None
        if rule_file.role == "county":
            basis = raised[f"aid.{name}.multiplier"].value if f"aid.{name}.multiplier" in raised else ""
        form.tables.append(TableField(name, _rows(val.value) if val else [], val.source if val else "",
                                      not rule_file.own(f"aid.{name}"), entries, basis))
    own_categories = rule_file.tree.get("categories", {})
    for kind in CATEGORY_ORDER:
        for code in rule_file.merged.get("categories", {}).get(kind, {}):
            name, documents, tiers = rule_file.category_values(kind, code)
            in_file = code in (own_categories.get(kind) or {})
            origin = "city" if not in_file else ("changed" if rule_file.city_has_category(kind, code) else "county")
            if rule_file.role == "city":
                origin = "city"
            form.categories.append(CategoryField(kind, code, name, documents, tiers, origin,
                                                 rule_file.category_name_en(kind, code)))
    for path, bound in rule_file.tree.get("bounds", {}).items():
        form.bounds.append(BoundField(path, *_bound_texts(bound.value), bound.source))
    return form


def _posted_rows(name: str, data, prefix: str | None = None) -> list[tuple[str, str]] | None:
    prefix = prefix or f"table:{name}"
    if data is None or f"{prefix}:1:from" not in data:
        return None
    rows = []
    for number in range(1, MAX_ROWS + 1):
        start = data.get(f"{prefix}:{number}:from")
        if start is None:
            break
        rows.append((start, data.get(f"{prefix}:{number}:multiplier", "")))
    while rows and not any(part.strip() for part in rows[-1]):
        rows.pop()
    return rows


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def changes_from_form(form: EditorForm, data) -> Changes:
    """What the posted form asks for (``data``: a mapping of field name to text)."""
    changes = Changes(effective=parse_date((data.get("effective") or "").strip()))
    for value in form.values:
        if value.name in data:
            changes.values[value.path] = data.get(value.name) or ""
    for setting in form.settings:
        if setting.name not in data:
            continue
        if setting.options is not None:
            chosen = [o for o in setting.options if data.get(f"{setting.name}:{o}")]
            if chosen or setting.shown is not None:  # no box ticked on a list not yet in force: no change
                changes.settings[setting.path] = chosen
        elif data.get(setting.name) in ("true", "false"):
            changes.settings[setting.path] = data.get(setting.name) == "true"
    dated_fields = [(v.name, v.path, v.entries) for v in (*form.values, *form.settings)]
    dated_fields += [(t.key, f"aid.{t.name}", [entry for entry, _ in t.entries]) for t in form.tables]
    for key, path, entries in dated_fields:
        for entry in entries:
            name = entry.withdraw_name(path)
            if name and data.get(name):
                changes.withdrawals.append((key, path, parse_date(entry.start)))
    new_name = (data.get("newtable:name") or "").strip()
    if new_name:
        changes.new_table = (new_name, _posted_rows("", data, prefix="newtable") or [])
    for table in form.tables:
        rows = _posted_rows(table.name, data)
        if rows is not None:
            changes.tables[table.name] = rows
        if table.raised is not None and f"raised:{table.name}" in data:
            changes.raised[table.name] = data.get(f"raised:{table.name}") or ""
    for category in form.categories:
        prefix = f"{category.key}:"
        if f"{prefix}name" in data:
            changes.categories.append(CategoryEdit(
                category.kind, category.code, data.get(f"{prefix}name") or "", _lines(data.get(f"{prefix}documents")),
                (data.get(f"{prefix}tiers") or "").strip(), bool(data.get(f"{prefix}remove")),
                data.get(f"{prefix}name_en") if f"{prefix}name_en" in data else None))
    code = (data.get("newcat:code") or "").strip()
    if code:
        changes.new_category = CategoryEdit((data.get("newcat:kind") or "").strip(), code,
                                            data.get("newcat:name") or "", _lines(data.get("newcat:documents")),
                                            (data.get("newcat:tiers") or "").strip(),
                                            name_en=data.get("newcat:name_en") or "")
    if form.file.role == "city":
        for bound in form.bounds:
            if f"{bound.key}:min" in data:
                changes.bounds[bound.path] = (data.get(f"{bound.key}:min") or "", data.get(f"{bound.key}:max") or "")
        path = (data.get("newbound:path") or "").strip()
        if path:
            changes.bounds[path] = (data.get("newbound:min") or "", data.get("newbound:max") or "")
    return changes


def place_faults(faults: list[Fault], form: EditorForm) -> tuple[dict[str, list[Fault]], list[Fault]]:
    """``({field key: faults}, faults of no field)``: each fault of the edited file goes to the field
    whose key path it names; faults of other files (a city edit that a county no longer keeps,
    say) and of no field are shown above the form."""
    placed: dict[str, list[Fault]] = {}
    general: list[Fault] = []
    tables = set(form.table_names)
    categories = {c.key for c in form.categories}
    bounds = {b.path for b in form.bounds}
    for fault in faults:
        key = _field_of(fault.path, tables, categories, bounds) if fault.file == form.file.rel else None
        (placed.setdefault(key, []) if key else general).append(fault)
    return placed, general


def _field_of(path: str, tables: set, categories: set, bounds: set) -> str | None:
    parts = path.split(".")
    if parts[0] == "raised" and len(parts) > 2 and parts[2] in tables:
        return f"raised:{parts[2]}"
    if parts[0] == "bounds" and len(parts) > 1:
        rest = path[len("bounds."):]
        return f"bound:{rest}" if rest in bounds else "newbound"
    if parts[0] == "categories" and len(parts) > 2:
        key = f"cat:{parts[1]}:{parts[2]}"
        return key if key in categories else "newcat"
    if parts[0] == "aid" and len(parts) > 1:
        name = parts[1].split("[")[0]
        if name in tables or BOUNDABLE_TABLE.fullmatch(f"aid.{name}.multiplier"):
            return f"table:{name}" if name in tables else "newtable"
    for leaf in sorted(VALUE_PATHS, key=len, reverse=True):
        if path == leaf or path.startswith(leaf + "."):
            return f"value:{leaf}"
    for leaf in (*CHOICE_PATHS, *FLAG_PATHS):
        if path == leaf or path.startswith(leaf + ".") or path.startswith(leaf + "["):
            return f"setting:{leaf}"
    return None
