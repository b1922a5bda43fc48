"""Deadlines of a case: the engine gives them, the workflow starts and meets them, lists sort by them.

A deadline given as a day is due by the end of that day in China Standard Time; one given as a time
(先行救助 within 24 hours) is due at that time. ``Case.due_at`` holds the earliest one still open.
"""
from __future__ import annotations

import datetime as dt

from app.models import Case

CST = dt.timezone(dt.timedelta(hours=8), "CST")


def due_moment(value: str) -> dt.datetime:
    """``"2019-04-15"`` → 2019-04-15 23:59:59+08:00; an ISO time with offset is taken as it is."""
    if "T" in value:
        return dt.datetime.fromisoformat(value)
    return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(23, 59, 59), CST)


def open_deadline(case: Case, name: str, value: str) -> None:
    case.deadlines = {**(case.deadlines or {}), name: {"due": value, "met": None}}
    refresh_due_at(case)


def meet_deadline(case: Case, name: str, at: dt.datetime) -> None:
    current = dict(case.deadlines or {})
    if name in current and current[name]["met"] is None:
        current[name] = {**current[name], "met": at.isoformat()}
        case.deadlines = current
    refresh_due_at(case)


def refresh_due_at(case: Case) -> None:
    dues = [due_moment(d["due"]) for d in (case.deadlines or {}).values() if d["met"] is None]
    case.due_at = min(dues) if dues else None


def status(case: Case, now: dt.datetime, soon: dt.timedelta = dt.timedelta(days=3)) -> str:
    """``overdue``, ``due_soon``, ``open`` or ``none`` — the marker a list shows."""
    if case.due_at is None:
        return "none"
    due = case.due_at if case.due_at.tzinfo else case.due_at.replace(tzinfo=dt.timezone.utc)
    if due < now:
        return "overdue"
    return "due_soon" if due - now <= soon else "open"
