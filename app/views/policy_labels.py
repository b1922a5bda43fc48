"""The engine's notes by name (spec/evaluation.md, spec/policy-2026.md), as the screens show them."""
from flask_babel import lazy_gettext as _l

NOTE_LABELS = {
    "quick_aid": _l("Quick aid: registered directly, no check of income and assets, no public posting"),
    "verify_necessary_expenses": _l("A dibao or tekun household: verify the necessary expenses it states."),
    "public_posting_before_aid": _l("Aid after public posting"),
}


def note_label(note: str) -> str:
    """A note by name; a note not listed here is shown by its code words, never hidden."""
    return str(NOTE_LABELS.get(note, note.replace("_", " ")))
