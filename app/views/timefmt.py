"""Times on screen in China Standard Time, as a template filter (``{{ referral.referred_at|china_time }}``).

Why a filter: every time column holds UTC (SQLite keeps no offset), and a template that calls
``strftime`` on it shows UTC — charity referral, claim and aid times were eight hours off the cases'.
"""
from __future__ import annotations

import datetime as dt

from app.rules.inputs import CST


def china_time(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time (aware, or naive meaning UTC) in China Standard Time; nothing for no time."""
    if value is None:
        return ""
    moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(CST).strftime(fmt)
