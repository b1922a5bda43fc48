"""The workflow declared in ``config/workflow.yaml``: flows, states, transitions, approvers.

Kept as data (as Frappe keeps a workflow as a table of transitions with the role allowed and a
self-approval flag); this module reads and checks it, :mod:`app.services.workflow` executes it.
Faults are reported with file and line, all of them in one run.

A transition may name guards it requires of the case (``requires``, from :mod:`app.services.guards`)
and may be ``internal``: taken only by a service (a reversal taking a paid case back), never offered.

先行救助 (二、(二)1) needs two more declarations: ``within: pre_assist_limit`` — an approval any of the
transition's roles gives at once up to the county's ``approval.pre_assist_limit``, whatever level the
verdict names — and, on the step after it, ``level: verdict`` (the verdict's approval level applies here)
with ``not_by: [pre_assist]``: whoever took one of those transitions on the case may not take this one.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from app.services.guards import GUARDS
from config import CONFIG_DIR

WORKFLOW_FILE = CONFIG_DIR / "workflow.yaml"
FIELDS = {"reason", "amount", "note", "date"}
DEADLINES = {"decision_due", "pre_assist_due", "registration_due", "quick_due"}
TRANSITION_KEYS = {"from", "to", "label", "roles", "approval", "self_approval", "fields", "starts", "stops",
                   "requires", "internal", "within", "level", "not_by", "opens_posting"}
#: ``within``: the rule key (under ``approval``) an approval so declared is limited by instead of the level
WITHIN = {"pre_assist_limit"}
LEVELS = {"verdict"}
#: the verdict's note that sends an emergency to the 小额快救 flow (spec/policy-2026.md)
QUICK_NOTE, QUICK_FLOW = "quick_aid", "quick"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    label_zh: str
    label_en: str
    roles: tuple[str, ...]
    approval: bool
    self_approval: bool
    fields: tuple[str, ...]
    starts: tuple[str, ...]
    stops: tuple[str, ...]
    requires: tuple[str, ...] = ()  # guards of app.services.guards the case must pass
    internal: bool = False  # taken by a service only, never offered as a button
    within: str | None = None  # an approval up to approval.<within>, by any of the roles, whatever the level
    level: str | None = None  # "verdict": only an approver of the verdict's approval level may take it
    not_by: tuple[str, ...] = ()  # transitions whose taker may not also take this one (separation of duties)
    opens_posting: bool = False  # a case to be posted (公示) is posted from this step


@dataclass(frozen=True)
class Flow:
    name: str
    initial: str
    deadlines: tuple[str, ...]
    transitions: dict[str, Transition]
    disclosed: bool = True  # False: its payments stay off the public disclosure list (免公示)

    def available(self, state: str) -> list[Transition]:
        return [t for t in self.transitions.values() if state in t.sources]


@dataclass(frozen=True)
class Workflow:
    flows: dict[str, Flow]
    states: dict[str, tuple[str, str]]
    approvers: dict[str, tuple[str, ...]]
    approver_rank: dict[str, int]
    objection_roles: tuple[str, ...] = ()  # who records and resolves objections to a posting

    def flow_for(self, kind: str, severity: str | None, notes=()) -> Flow:
        """The flow a new case takes: ``major`` for 重大生活困难, ``quick`` for 小额快救, else its kind."""
        if severity == "major":
            return self.flows["major"]
        if QUICK_NOTE in notes and QUICK_FLOW in self.flows:
            return self.flows[QUICK_FLOW]
        return self.flows[kind]

    def flow_of(self, case) -> Flow:
        """The flow a case follows: the one chosen at intake and stored with it."""
        return self.flows[case.flow]

    def undisclosed_flows(self) -> tuple[str, ...]:
        return tuple(name for name, flow in self.flows.items() if not flow.disclosed)


class WorkflowInvalid(Exception):
    def __init__(self, faults: list[str]):
        super().__init__("\n".join(faults))
        self.faults = faults


def _tuple(value) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(str(v) for v in value)


def load_workflow(path: Path = WORKFLOW_FILE, roles: set[str] | None = None) -> Workflow:
    """Read and check the workflow; raise :class:`WorkflowInvalid` listing every fault."""
    doc = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    faults: list[str] = []

    def fault(node, key, found, expected) -> None:
        line, col = node.lc.value(key) if key in node else (node.lc.line, node.lc.col)
        faults.append(f"{path.name}:{line + 1}:{col + 1}: {key}: found {found!r}, expected {expected}")

    states = {str(k): (v["zh"], v["en"]) for k, v in doc["states"].items()}
    flows = {}
    for flow_name, spec in doc["flows"].items():
        transitions = {}
        if spec["initial"] not in states:
            fault(spec, "initial", spec["initial"], "a state listed under states")
        for name, t in spec["transitions"].items():
            for extra in set(t) - TRANSITION_KEYS:
                fault(t, extra, extra, "one of " + ", ".join(sorted(TRANSITION_KEYS)))
            for key in ("from", "to"):
                for state in _tuple(t.get(key)):
                    if state not in states:
                        fault(t, key, state, "a state listed under states")
            for role in _tuple(t.get("roles")):
                if roles is not None and role not in roles:
                    fault(t, "roles", role, "a role of config/roles.yaml")
            for key, allowed in (("fields", FIELDS), ("starts", DEADLINES), ("stops", DEADLINES),
                                 ("requires", set(GUARDS))):
                for value in _tuple(t.get(key)):
                    if value not in allowed:
                        fault(t, key, value, "one of " + ", ".join(sorted(allowed)))
            for key, allowed in (("within", WITHIN), ("level", LEVELS)):
                if key in t and t[key] not in allowed:
                    fault(t, key, t[key], "one of " + ", ".join(sorted(allowed)))
            for other in _tuple(t.get("not_by")):
                if other not in spec["transitions"]:
                    fault(t, "not_by", other, f"a transition of the flow {flow_name}")
            transitions[str(name)] = Transition(
                str(name), _tuple(t["from"]), str(t["to"]), t["label"]["zh"], t["label"]["en"],
                _tuple(t.get("roles")), bool(t.get("approval", False)), bool(t.get("self_approval", True)),
                _tuple(t.get("fields")), _tuple(t.get("starts")), _tuple(t.get("stops")), _tuple(t.get("requires")),
                bool(t.get("internal", False)), t.get("within"), t.get("level"), _tuple(t.get("not_by")),
                bool(t.get("opens_posting", False)))
        for deadline in _tuple(spec.get("deadlines")):
            if deadline not in DEADLINES:
                fault(spec, "deadlines", deadline, "one of " + ", ".join(sorted(DEADLINES)))
        flows[str(flow_name)] = Flow(str(flow_name), str(spec["initial"]), _tuple(spec.get("deadlines")),
                                     transitions, bool(spec.get("disclosed", True)))
    approvers = {str(k): _tuple(v) for k, v in doc["approvers"].items()}
    for level, names in approvers.items():
        for role in names:
            if roles is not None and role not in roles:
                fault(doc["approvers"], level, role, "a role of config/roles.yaml")
    posting = doc.get("posting") or {}
    for role in _tuple(posting.get("objection_roles")):
        if roles is not None and role not in roles:
            fault(posting, "objection_roles", role, "a role of config/roles.yaml")
    if faults:
        raise WorkflowInvalid(faults)
    return Workflow(flows, states, approvers, {str(k): int(v) for k, v in doc["approver_rank"].items()},
                    _tuple(posting.get("objection_roles")))


_cache: dict[str, tuple[float, Workflow]] = {}


def workflow(path: Path = WORKFLOW_FILE) -> Workflow:
    """The declared workflow, re-read when the file changes on disk."""
    from app.security.roles import declared_roles

    mtime = path.stat().st_mtime
    cached = _cache.get(str(path))
    if cached is None or cached[0] != mtime:
        cached = (mtime, load_workflow(path, set(declared_roles())))
        _cache[str(path)] = cached
    return cached[1]
