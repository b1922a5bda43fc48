"""The public pages' words: states and next steps of a looked-up case or lead, in the reader's language."""
from __future__ import annotations

from flask_babel import get_locale

from app.services.workflow_def import workflow
from app.web.lead_labels import STATES as LEAD_STATES


def english() -> bool:
    return not str(get_locale()).startswith("zh")


def status_words(found: dict) -> dict:
    """A status of :func:`app.services.public.status` in words: ``state``, ``next_steps``, ``due_on``."""
    en = english()
    if found["of"] == "lead":
        state = str(LEAD_STATES[found["state"]])
    else:
        zh_name, en_name = workflow().states.get(found["state"], (found["state"], found["state"]))
        state = en_name if en else zh_name
    return {"number": found["number"], "state": state,
            "next_steps": [en_label if en else zh_label for zh_label, en_label in found["next_steps"]],
            "due_on": found["due_on"].isoformat() if found["due_on"] else None}
