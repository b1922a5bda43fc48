"""Keeps :class:`~app.models.clock.CaseClock` rows in step with ``Case.deadlines``.

Why a session hook: deadlines open and close in intake, in every workflow transition and in tests that
build cases by hand; one ``before_flush`` hook sees each of them, so the dashboards' clock table never
drifts from the case's own record. Only cases whose ``deadlines`` changed (or new cases) are touched.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.models import Case
from app.models.clock import CaseClock
from app.services.deadlines import as_utc, due_moment


def _region_id(case: Case, column: str) -> int | None:
    related = getattr(case, column.removesuffix("_id"), None)
    return related.id if related is not None else getattr(case, column)


def clock_values(deadlines: dict | None) -> dict[str, tuple[dt.datetime, dt.datetime | None]]:
    """``{name: (due_at, met_at)}`` in UTC from a case's ``deadlines`` JSON."""
    found = {}
    for name, entry in (deadlines or {}).items():
        due = due_moment(entry["due"]).astimezone(dt.timezone.utc)
        met = dt.datetime.fromisoformat(entry["met"]).astimezone(dt.timezone.utc) if entry.get("met") else None
        found[name] = (due, met)
    return found


def sync_case(case: Case) -> None:
    """Make ``case.clocks`` say what ``case.deadlines`` says (added, changed, removed)."""
    wanted = clock_values(case.deadlines)
    have = {clock.name: clock for clock in case.clocks}
    county, township = _region_id(case, "county_id"), _region_id(case, "township_id")
    for name, (due, met) in wanted.items():
        clock = have.get(name)
        if clock is None:
            case.clocks.append(CaseClock(name=name, due_at=due, met_at=met, county_id=county, kind=case.kind,
                                         category=case.category, township_id=township,
                                         application_date=case.application_date))
            continue
        if as_utc(clock.due_at) != due or (as_utc(clock.met_at) if clock.met_at else None) != met:
            clock.due_at, clock.met_at = due, met
        if clock.county_id != county or clock.township_id != township:
            clock.county_id, clock.township_id = county, township
        if (clock.application_date, clock.kind, clock.category) != (case.application_date, case.kind, case.category):
            clock.application_date, clock.kind, clock.category = case.application_date, case.kind, case.category
    for name, clock in have.items():
        if name not in wanted:
            case.clocks.remove(clock)


def _changed(case: Case) -> bool:
    state = inspect(case)
    return state.pending or any(state.attrs[a].history.has_changes()
                                for a in ("deadlines", "county_id", "township_id", "application_date", "kind",
                                                      "category"))


@event.listens_for(Session, "before_flush")
def _sync_clocks(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Case) and _changed(obj):
            sync_case(obj)
