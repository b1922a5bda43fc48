"""Loading a rules directory: every file parsed, checked, cross-checked, and every fault collected.

Order: read and hash every file; parse each (syntax errors and duplicate keys); check each against its
schema; then the checks that need several files — a county file's name and code, ``extends`` naming a
city file, the merged rules being complete and their categories naming existing tier tables, and each
file's values against the city's bounds. Nothing stops at the first fault: a county administrator sees
every problem of an edit at once.

``cache`` (used by :class:`~app.rules.store.RuleStore`) keeps each file's checked result keyed by its
content hash, so a reload re-parses only the files that changed.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

from app.rules.bounds import check_bounds
from app.rules.calendar import WorkCalendar
from app.rules.faults import Fault, RulesInvalid, describe
from app.rules.merge import check_effective, effective_tree
from app.rules.ruleset import CountyRules, RuleSet
from app.rules.calendar_file import check_calendar
from app.rules.schema import check_document
from app.rules.yamlsource import decode, parse

COUNTY_FILE = re.compile(r"(\d{6})-([A-Za-z0-9][A-Za-z0-9_-]*)\.yaml")
CALENDAR = "calendar.yaml"


def rule_files(rules_dir: Path) -> list[str]:
    """Relative paths of the files that make up a rule set, sorted (the digest depends on the order)."""
    found = []
    for pattern in ("*.yaml", "*.yml", "counties/*.yaml", "counties/*.yml"):
        found.extend(p.relative_to(rules_dir).as_posix() for p in rules_dir.glob(pattern) if p.is_file())
    return sorted(found)


def read_files(rules_dir: Path, overrides: dict | None = None):
    """``({relpath: bytes}, digest)``; the digest is a sha256 over every path and content.
    ``overrides`` (``{relpath: text or bytes}``) stand in for files on disk, or add files."""
    overrides = {rel: raw.encode("utf-8") if isinstance(raw, str) else raw for rel, raw in (overrides or {}).items()}
    contents = {}
    digest = hashlib.sha256()
    for rel in sorted(set(rule_files(rules_dir)) | set(overrides)):
        raw = overrides[rel] if rel in overrides else (rules_dir / rel).read_bytes()
        contents[rel] = raw
        digest.update(rel.encode() + b"\0" + hashlib.sha256(raw).digest())
    return contents, digest.hexdigest()


def _check_file(rel: str, raw: bytes, role: str, cache: dict | None):
    key = hashlib.sha256(raw).digest()
    if cache is not None and rel in cache and cache[rel][0] == (key, role):
        return cache[rel][1]
    text, faults = decode(raw, rel)
    tree = None
    if text is not None:
        data, faults = parse(text, rel)
        if data is not None or not faults:
            if role == "calendar":
                tree, more = check_calendar(data, rel)
            else:
                tree, more = check_document(data, role, rel)
            faults = faults + more
    result = (tree, faults)
    if cache is not None:
        cache[rel] = ((key, role), result)
    return result


def _role(rel: str) -> str | None:
    if rel == CALENDAR:
        return "calendar"
    if "/" not in rel and rel.endswith(".yaml"):
        return "city"
    if rel.startswith("counties/") and COUNTY_FILE.fullmatch(rel[len("counties/"):]):
        return "county"
    return None


def check_directory(rules_dir, cache: dict | None = None, overrides: dict | None = None):
    """Check a rules directory (with ``overrides`` standing in for some files, see :func:`read_files`).
    Returns ``(RuleSet or None, faults)``."""
    rules_dir = Path(rules_dir)
    if not rules_dir.is_dir():
        return None, [Fault(str(rules_dir), 1, 1, "(directory)", "no such directory", "a rules directory")]
    contents, digest = read_files(rules_dir, overrides)
    faults: list[Fault] = []
    cities, counties, calendar_years = {}, {}, {}
    broken_cities: set[str] = set()
    for rel, raw in contents.items():
        role = _role(rel)
        if role is None:
            faults.append(Fault(rel, 1, 1, "(file)", f"file name {rel}",
                                "counties/<6-digit code>-<slug>.yaml, <city>.yaml or calendar.yaml"))
            continue
        tree, file_faults = _check_file(rel, raw, role, cache)
        faults.extend(file_faults)
        if tree is None:
            if role == "city":
                broken_cities.add(rel[: -len(".yaml")])
            continue
        if role == "calendar":
            calendar_years = tree
        elif role == "city":
            cities[rel[: -len(".yaml")]] = (rel, tree)
        else:
            counties[rel] = tree
    faults.extend(_cross_check(cities, counties, broken_cities))
    if faults:
        return None, sorted(set(faults))
    calendar = WorkCalendar(calendar_years, digest)
    county_rules = {}
    for rel, tree in counties.items():
        city_rel, city = cities[tree["extends"].value]
        code = tree["region"]["code"].value
        merged = effective_tree(city, tree)
        county_rules[code] = CountyRules(code, tree["region"]["name"].value, rel, city_rel, tree["region"], merged)
    return RuleSet(rules_dir, county_rules, calendar, digest), []


def _cross_check(cities: dict, counties: dict, broken_cities: set) -> list[Fault]:
    faults: list[Fault] = []
    for stem, (rel, city) in cities.items():
        faults.extend(check_effective(effective_tree(city, None), rel, (1, 1), require_all=False))
        faults.extend(check_bounds(city.get("bounds", {}), rel, city, None))
    seen_codes: dict[str, str] = {}
    for rel, tree in counties.items():
        name_code = COUNTY_FILE.fullmatch(rel[len("counties/"):]).group(1)
        code = tree["region"]["code"]
        if code.value != name_code:
            faults.append(Fault(rel, code.line, code.column, "region.code", f"'{code.value}'",
                                f"'{name_code}', the code in the file name"))
        elif name_code in seen_codes:
            faults.append(Fault(rel, code.line, code.column, "region.code", f"'{code.value}' again",
                                f"one file per county ({seen_codes[name_code]} has this code)"))
        seen_codes.setdefault(name_code, rel)
        extends = tree["extends"]
        if extends.value in broken_cities:
            continue  # the city file's own faults are reported; checking against it would only add noise
        if extends.value not in cities:
            faults.append(Fault(rel, extends.line, extends.column, "extends", describe(extends.value),
                                "the stem of a city file in the rules directory"
                                + (f": {', '.join(sorted(cities))}" if cities else " (there is none)")))
            continue
        city_rel, city = cities[extends.value]
        merged = effective_tree(city, tree)
        faults.extend(check_effective(merged, rel, (extends.line, extends.column), require_all=True))
        faults.extend(check_bounds(city.get("bounds", {}), rel, tree, tree.get("raised", {})))
    return faults


def validate_rules(rules_dir, overrides: dict | None = None) -> list[Fault]:
    """Every fault of a rules directory, sorted; empty when it is valid.

    ``overrides={"counties/370811-rencheng.yaml": new_text}`` checks the directory as it would be after
    an edit, without writing it — how the web editor refuses a bad save and keeps the file intact."""
    return check_directory(rules_dir, overrides=overrides)[1]


def load_rules(rules_dir, cache: dict | None = None) -> RuleSet:
    """The rule set of a directory; raises :class:`RulesInvalid` listing every fault."""
    rules, faults = check_directory(rules_dir, cache)
    if faults:
        raise RulesInvalid(faults)
    return rules
