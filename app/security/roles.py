"""Roles declared in ``config/roles.yaml``: loading and validation.

Why a file: who may do what is policy, kept as data an administrator can read and change without code.
Every fault is reported with file and line, like the rule files, and all faults in one run.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from config import CONFIG_DIR

log = logging.getLogger(__name__)
SCOPES = ("township", "county", "city", "charity", "own_reports")
PERSONAL_DATA = ("full", "masked")
ROLE_KEYS = {"name", "scope", "personal_data", "permissions"}
ROLES_FILE = CONFIG_DIR / "roles.yaml"


@dataclass(frozen=True)
class RoleSpec:
    key: str
    name_zh: str
    name_en: str
    scope: str
    personal_data: str
    permissions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: view → "roles.yaml:line:column" of its permission list, to point at a name sync cannot find
    where: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def sees_personal_data(self) -> bool:
        return self.personal_data == "full"


class RolesInvalid(Exception):
    def __init__(self, faults: list[str]):
        super().__init__("\n".join(faults))
        self.faults = faults


def _fault(path: Path, node, key: str, where: str, path_text: str, found, expected: str) -> str:
    line, col = (node.lc.key(key) if where == "key" else node.lc.value(key)) if key is not None else (
        node.lc.line, node.lc.col)
    return f"{path.name}:{line + 1}:{col + 1}: {path_text}: found {found!r}, expected {expected}"


def load_roles(path: Path = ROLES_FILE) -> dict[str, RoleSpec]:
    """Read and validate the roles file; raise :class:`RolesInvalid` listing every fault."""
    yaml = YAML(typ="rt")
    try:
        doc = yaml.load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RolesInvalid([f"{path.name}:{mark.line + 1}:{mark.column + 1}: (syntax): found "
                            f"{exc.problem}, expected valid YAML"]) from None
    faults: list[str] = []
    if not isinstance(doc, dict) or set(doc) != {"roles"} or not isinstance(doc["roles"], dict):
        raise RolesInvalid([f"{path.name}:1:1: (top): found {type(doc).__name__}, expected a mapping "
                            "with the single key 'roles'"])
    roles: dict[str, RoleSpec] = {}
    for key, spec in doc["roles"].items():
        at = f"roles.{key}"
        if not isinstance(spec, dict):
            faults.append(_fault(path, doc["roles"], key, "value", at, spec, "a mapping"))
            continue
        for extra in set(spec) - ROLE_KEYS:
            faults.append(_fault(path, spec, extra, "key", f"{at}.{extra}", extra, "one of " + ", ".join(sorted(ROLE_KEYS))))
        for missing in ROLE_KEYS - set(spec):
            faults.append(_fault(path, doc["roles"], key, "key", f"{at}.{missing}", "nothing", "a value"))
        name = spec.get("name")
        if "name" in spec and not (isinstance(name, dict) and set(name) == {"zh", "en"}
                                   and all(isinstance(v, str) and v for v in name.values())):
            faults.append(_fault(path, spec, "name", "value", f"{at}.name", name, "{zh: ..., en: ...}"))
        if "scope" in spec and spec["scope"] not in SCOPES:
            faults.append(_fault(path, spec, "scope", "value", f"{at}.scope", spec["scope"], "one of " + ", ".join(SCOPES)))
        if "personal_data" in spec and spec["personal_data"] not in PERSONAL_DATA:
            faults.append(_fault(path, spec, "personal_data", "value", f"{at}.personal_data",
                                 spec["personal_data"], "full or masked"))
        perms = spec.get("permissions")
        parsed: dict[str, tuple[str, ...]] = {}
        where: dict[str, str] = {}
        if "permissions" in spec:
            if not isinstance(perms, dict):
                faults.append(_fault(path, spec, "permissions", "value", f"{at}.permissions", perms,
                                     "a mapping of view to permission names"))
            else:
                for view, names in perms.items():
                    if not (isinstance(names, list) and all(isinstance(n, str) and n.startswith("can_") for n in names)):
                        faults.append(_fault(path, perms, view, "value", f"{at}.permissions.{view}", names,
                                             "a list of permission names (can_...)"))
                    else:
                        parsed[str(view)] = tuple(names)
                        line, col = perms.lc.value(view)
                        where[str(view)] = f"{path.name}:{line + 1}:{col + 1}"
        if not faults:
            roles[str(key)] = RoleSpec(str(key), name["zh"], name["en"], spec["scope"],
                                       spec["personal_data"], parsed, where)
    if faults:
        raise RolesInvalid(faults)
    return roles


_cache: dict[str, tuple[float, dict[str, RoleSpec]]] = {}


def declared_roles(path: Path = ROLES_FILE) -> dict[str, RoleSpec]:
    """The roles of the file, re-read only when it changes on disk (cheap on every request)."""
    mtime = path.stat().st_mtime
    cached = _cache.get(str(path))
    if cached is None or cached[0] != mtime:
        try:
            cached = (mtime, load_roles(path))
        except RolesInvalid as exc:
            if cached is None:
                raise
            # a faulty edit never takes the running system down: keep the last valid roles
            log.error("config/roles.yaml has faults; keeping the last valid roles:\n%s", exc)
            cached = (mtime, cached[1])
        _cache[str(path)] = cached
    return cached[1]
