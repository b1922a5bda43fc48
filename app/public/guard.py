"""Abuse guards of the public pages and API: per-address rate limits, the honeypot, and a per-number lock
of the status look-up.

The limits are Flask-Limiter's, through the limiter Flask-AppBuilder already made for its login page, so
they count in the same storage (``RATELIMIT_STORAGE_URI``: Redis shared by every worker, or memory) and
honour ``RATELIMIT_ENABLED``. The numbers are settings (``PUBLIC_*_RATE_LIMIT``), not code.
"""
from __future__ import annotations

from flask import current_app

HONEYPOT = "website"  # a field people never see (hidden by CSS, no label): a bot fills it
#: wrong tails one case number may take per day before its look-up answers "not found" whatever is sent
LOOKUP_FAILURES_PER_NUMBER = 10
DAY = 24 * 3600


def limiter():
    return getattr(current_app.appbuilder.sm, "limiter", None)


def limited(view, setting: str, methods=None):
    """``view`` under the per-address limit named by ``setting`` (read at each request)."""
    lim = limiter()
    if lim is None:
        return view
    return lim.limit(lambda: current_app.config[setting], methods=methods)(view)


def bot_filled(form) -> bool:
    return bool((form.get(HONEYPOT) or "").strip())


def storage():
    """The counters of the public side (used captcha nonces, wrong tails per number), in the rate-limit
    storage (``RATELIMIT_STORAGE_URI``: Redis shared by all workers, or this worker's memory) — kept even
    when the rate limits are switched off."""
    from limits.storage import storage_from_string

    found = current_app.extensions.get("tempaid_public_counters")
    if found is None:
        found = storage_from_string(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
        current_app.extensions["tempaid_public_counters"] = found
    return found


def counter_key(name: str) -> str:
    """A counter's key, under the deployment's ``RATELIMIT_KEY_PREFIX`` like the rate limits' own."""
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX') or 'tempaid'}/{name}"


def _key(number: str) -> str:
    return counter_key(f"lookup-failures/{number.strip().upper()[:32]}")


def number_locked(number: str) -> bool:
    return storage().get(_key(number)) >= LOOKUP_FAILURES_PER_NUMBER


def count_failure(number: str) -> None:
    storage().incr(_key(number), DAY)
