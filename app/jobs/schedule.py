"""When the scheduled jobs run (``tempaid beat``), China time. The times are the deployment's to choose
(settings ``JOBS_REMINDERS_AT`` and ``JOBS_STALE_CLAIMS_AT``, "HH:MM"; ``JOBS_DASHBOARDS_EVERY``, minutes
between refreshes of the dashboards' summary), not policy: the rule files hold
the policy's own numbers (``charity.claim_return_days`` …), which the jobs read when they run."""
from __future__ import annotations

from celery.schedules import crontab


def _at(text: str) -> crontab:
    hour, minute = (int(part) for part in text.split(":"))
    return crontab(hour=hour, minute=minute)


def beat_schedule(config) -> dict:
    schedule = {
        "overdue-reminders": {"task": "tempaid.overdue_reminders",
                              "schedule": _at(config.get("JOBS_REMINDERS_AT") or "07:30")},
        "return-stale-claims": {"task": "tempaid.return_stale_claims",
                                "schedule": _at(config.get("JOBS_STALE_CLAIMS_AT") or "02:30")},
        # the dashboards' summary cells written since they were built (a dashboard reads those from the rows)
        "refresh-dashboards": {"task": "tempaid.refresh_dashboards",
                               "schedule": crontab(minute=f"*/{int(config.get('JOBS_DASHBOARDS_EVERY') or 5)}")},
    }
    if config.get("JOBS_DISCLOSURE_USER"):  # the account that posts; none named: the offices post by hand
        schedule["post-disclosures"] = {"task": "tempaid.post_disclosures",
                                        "schedule": _at(config.get("JOBS_DISCLOSURE_AT") or "06:00")}
    return schedule
