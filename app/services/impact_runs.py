"""The rule editor's impact as a background job: a city file's change is measured over every county's
applications of the last twelve months — up to a million — which takes longer than any web request may.

The editor records a run (who asked, the file, the proposed text, the day) and queues it; a worker computes
the impact with :func:`app.services.rule_edits.proposal_impact`'s own parts — split over the machine's
cores for a big caseload (:mod:`app.services.impact_split`) — reporting progress, and stores
the figures on the run; the page shows the progress bar until then, and the figures after — the user may
leave it and come back (the run is theirs, found by its id).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from sqlalchemy.orm import Session

from app.rules.impact import Example, Impact, Outcome
from app.services import job_runs
from app.services.impact_split import SPLIT_FROM, impact_of
from app.services.rule_edits import RuleEditRefused, affected_counties, check, year_before

TASK = "tempaid.impact_run"


def start(user_id: int, rel: str, text: str, as_of: dt.date, today: dt.date, session: Session | None = None) -> int:
    """Record (and commit) a queued impact run of saving ``text`` as ``rel`` for the user ``user_id`` (the
    caller checked they may edit it); in ``session`` when a request asks (see :func:`job_runs.create`)."""
    return job_runs.create(TASK, {"rel": rel, "text": text, "as_of": as_of.isoformat(),
                                  "today": today.isoformat()}, user_id=user_id, session=session)


def compute(session: Session, current, rules_dir, params: dict, progress, jobs: int | None = None,
            split_from: int = SPLIT_FROM) -> dict:
    """The impact of the run's proposal, as stored figures (:func:`to_json`), on ``jobs`` processes
    (default: one per core) from ``split_from`` applications (see :mod:`app.services.impact_split`)."""
    rel, text = params["rel"], params["text"]
    as_of, today = dt.date.fromisoformat(params["as_of"]), dt.date.fromisoformat(params["today"])
    proposed, faults = check(rules_dir, rel, text)
    if faults:
        raise RuleEditRefused("invalid", "the proposal has faults", faults)
    result = impact_of(session, current, proposed, affected_counties(current, rel), year_before(today), as_of,
                       progress=progress, jobs=jobs, split_from=split_from)
    return to_json(result)


def _outcome_json(outcome: Outcome) -> dict:
    data = asdict(outcome)
    data["suggested"] = None if outcome.suggested is None else str(outcome.suggested)
    return data


def to_json(result: Impact) -> dict:
    """The figures as JSON: money as strings (never a float), the day as YYYY-MM-DD."""
    data = {name: getattr(result, name) for name in Impact.__dataclass_fields__ if name != "examples"}
    for name, value in data.items():
        if isinstance(value, Decimal):
            data[name] = str(value)
    data["as_of"] = result.as_of.isoformat()
    data["examples"] = [{"key": str(e.key), "before": _outcome_json(e.before), "after": _outcome_json(e.after)}
                        for e in result.examples]
    return data


def _outcome(data: dict) -> Outcome:
    return Outcome(**{**data, "suggested": None if data["suggested"] is None else Decimal(data["suggested"])})


def from_json(data: dict) -> Impact:
    """The stored figures back as an :class:`Impact`, for the editor's own impact table."""
    fields = {}
    for name, spec in Impact.__dataclass_fields__.items():
        if name in ("examples", "as_of") or name not in data:
            continue
        fields[name] = Decimal(data[name]) if spec.type in ("Decimal", Decimal) else data[name]
    return Impact(as_of=dt.date.fromisoformat(data["as_of"]), **fields,
                  examples=[Example(e["key"], _outcome(e["before"]), _outcome(e["after"]))
                            for e in data.get("examples", [])])
