"""Times on screen in China Standard Time, as a template filter (``{{ referral.referred_at|china_time }}``).

Why a filter: every time column holds UTC (SQLite keeps no offset), and a template that calls
``strftime`` on it shows UTC — charity referral, claim and aid times were eight hours off the cases'.
"""
from __future__ import annotations

import datetime as dt

from app.rules.inputs import CST


def china_time(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time in China Standard Time, to the minute; nothing for no time. The time is a datetime
    (aware, or naive meaning UTC) or its ISO text as kept in JSON (the case trail, the deadlines); a plain
    date, or its ten-character text, stays a date. The one place a time is written for a person to read."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        if len(value) == 10:
            return value
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(CST).strftime(fmt)
