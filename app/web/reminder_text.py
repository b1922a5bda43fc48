"""A reminder in words, on the notification list and in the e-mail: the case, the deadline by its name as
the case page shows it, and when it was due (China time)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.web.labels import DEADLINE_LABELS
from app.web.timefmt import china_time


def deadline_label(name: str) -> str:
    return str(DEADLINE_LABELS.get(name, _l("Deadline")))


def reminder_line(note) -> str:
    return _("Case %(number)s: %(deadline)s was due %(due)s and is overdue.", number=note.case.number,
             deadline=deadline_label(note.deadline), due=china_time(note.due_at))


def mail_text(user, notes) -> tuple[str, str]:
    """The subject and body of one user's e-mail listing their new reminders."""
    subject = _("%(count)s case(s) overdue in your jurisdiction", count=len(notes))
    lines = [_("Dear %(name)s,", name=user.get_full_name()), "",
             _("These deadlines have passed and wait for a step of yours:"), ""]
    lines += [f"- {reminder_line(note)}" for note in notes]
    lines += ["", _("Open the notifications in the application to see each case.")]
    return subject, "\n".join(lines)
