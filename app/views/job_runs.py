"""The administrators' list of job runs: what ran, when (China time), how it ended, how many attempts,
and the error of a failed one — whichever worker ran it."""
from __future__ import annotations

from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import JobRun
from app.web.timefmt import china_time

TASK_LABELS = {"tempaid.overdue_reminders": _l("Overdue reminders"),
               "tempaid.return_stale_claims": _l("Stale charity claims returned to the pool"),
               "tempaid.post_disclosures": _l("Monthly disclosure lists posted"),
               "tempaid.impact_run": _l("Impact of a rule change"),
               "tempaid.refresh_dashboards": _l("Dashboard summaries refreshed")}
STATE_LABELS = {"queued": _l("Queued"), "running": _l("Running"), "retrying": _l("Failed; to be retried"),
                "succeeded": _l("Succeeded"), "failed": _l("Failed"),
                "skipped": _l("Skipped: already running elsewhere")}
RESULT_LABELS = {"notifications": _l("notifications"), "users": _l("users"), "emails": _l("e-mails"),
                 "returned": _l("claims returned"), "posted": _l("lists posted"), "applications": _l("applications"),
                 "rebuilt": _l("township-months rebuilt")}


def _result(value) -> str:
    """A run's outcome in words: its counts by name (an impact run: how many applications it compared)."""
    if not isinstance(value, dict):
        return ""
    return str(_l(", ")).join(f"{value[key]} {RESULT_LABELS[key]}" for key in RESULT_LABELS if key in value)


class JobRunView(ModelView):
    datamodel = SQLAInterface(JobRun)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Job runs")
    show_title = _l("Job run")
    list_columns = ["task", "state", "attempts", "queued_at", "started_at", "finished_at", "result"]
    show_columns = ["task", "state", "attempts", "user", "queued_at", "started_at", "finished_at",
                    "progress_done", "progress_total", "result", "error"]
    search_columns = ["queued_at", "finished_at"]  # by time: the task and state columns hold code names
    order_columns = ["queued_at", "started_at", "finished_at", "state", "task"]
    base_order = ("queued_at", "desc")
    page_size = 25
    label_columns = {"task": _l("Job"), "state": _l("State"), "attempts": _l("Attempts"), "user": _l("Asked by"),
                     "queued_at": _l("Queued at"), "started_at": _l("Started at"), "finished_at": _l("Finished at"),
                     "progress_done": _l("Done"), "progress_total": _l("Of"), "result": _l("Result"),
                     "error": _l("Error")}
    formatters_columns = {
        "task": lambda value: str(TASK_LABELS.get(value, value)),
        "state": lambda value: str(STATE_LABELS.get(value, value)),
        "queued_at": china_time, "started_at": china_time, "finished_at": china_time,
        "result": _result,
        "user": lambda value: value.get_full_name() if value is not None else str(_l("The schedule")),
        "error": lambda value: f"{_l('The job failed. For the administrator:')} {value}" if value else "",
    }
