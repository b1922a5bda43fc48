"""``tempaid worker``, ``tempaid beat`` and ``tempaid job``; the schedule beat follows."""
from __future__ import annotations

import pytest
from celery.schedules import crontab

from app.cli import cli
from app.jobs.schedule import beat_schedule


def test_the_schedule_runs_each_daily_job_at_its_configured_time():
    schedule = beat_schedule({"JOBS_REMINDERS_AT": "08:15", "JOBS_STALE_CLAIMS_AT": "03:05"})
    assert {entry["task"] for entry in schedule.values()} == {"tempaid.overdue_reminders",
                                                              "tempaid.return_stale_claims",
                                                              "tempaid.refresh_dashboards"}
    assert schedule["overdue-reminders"]["schedule"] == crontab(hour=8, minute=15)
    assert schedule["return-stale-claims"]["schedule"] == crontab(hour=3, minute=5)
    assert schedule["refresh-dashboards"]["schedule"] == crontab(minute="*/5")
    assert beat_schedule({"JOBS_DASHBOARDS_EVERY": "2"})["refresh-dashboards"]["schedule"] == crontab(minute="*/2")
    posting = beat_schedule({"JOBS_DISCLOSURE_USER": "city_bureau", "JOBS_DISCLOSURE_AT": "06:30"})
    assert posting["post-disclosures"] == {"task": "tempaid.post_disclosures", "schedule": crontab(hour=6, minute=30)}


def test_worker_and_beat_need_a_broker(app, celery):
    runner = app.test_cli_runner()
    for command in ("worker", "beat"):
        result = runner.invoke(cli, [command])
        assert result.exit_code != 0 and "CELERY_BROKER_URL" in result.output


@pytest.mark.commits
def test_a_job_can_be_run_now_from_the_command_line(app, celery, runs):
    result = app.test_cli_runner().invoke(cli, ["job", "return_stale_claims"])
    assert result.exit_code == 0, result.output
    assert "return_stale_claims: done" in result.output
    assert [(run.task, run.state) for run in runs()] == [("tempaid.return_stale_claims", "succeeded")]
    assert app.test_cli_runner().invoke(cli, ["job", "drop_tables"]).exit_code != 0
