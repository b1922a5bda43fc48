"""Helpers of the 2026-opinion tests: the fixture rules with the opinion in force (from 2026-01-29; 任城区
370811: dibao 700, recognition for 1 month, emergency only for its own hukou; 曲阜市 370881 from
2026-04-01: half a month, 2 days, every residency), served to the screens and the API too, and figures
dated today in China time so every clock runs from now."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app.models.audit import utcnow
from app.rules import RuleStore
from app.rules.inputs import CST

FIXTURES_2026 = Path(__file__).parent / "rules" / "fixtures-2026"


@pytest.fixture()
def rules_2026(app, monkeypatch):
    """The 2026 fixture rules for the services and for every request of the test."""
    store = RuleStore(FIXTURES_2026)
    monkeypatch.setitem(app.extensions, "tempaid_rules", store)
    return store.current


def china_now() -> dt.datetime:
    return utcnow().astimezone(CST)


def light_emergency(category: str = "incident:fire", requested: str | None = "500", day: dt.date | None = None) -> dict:
    """A light emergency reported now (or at noon of ``day``)."""
    reported = china_now() if day is None else dt.datetime.combine(day, dt.time(12, 0), CST)
    figures = {"kind": "emergency", "category": category, "severity": "light",
               "application_date": reported.date().isoformat(), "reported_at": reported.isoformat(timespec="seconds")}
    if requested:
        figures["requested_amount"] = requested
    return figures


def illness_application(day: dt.date | None = None) -> dict:
    """An expenditure application (uremia) of a household well within every limit, dated today."""
    return {"kind": "expenditure", "category": "illness:uremia", "cost": "2000",
            "application_date": (day or china_now().date()).isoformat(),
            "household": {"monthly_income": ["300"] * 12, "monthly_necessary_expenses": ["100"] * 6,
                          "financial_assets": "1000", "houses": 1, "vehicles": 0}}
