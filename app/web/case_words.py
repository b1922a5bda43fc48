"""Words of a case both the staff screens and the public pages say: a category by its name in the
county's rule file, and the engine's checks by name. Below the screens, so the public side imports no
screen module."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.services.rules import current_rules

#: the engine's checks by name (spec/evaluation.md), as the case page shows them
CHECK_LABELS = {"residency": _l("Residence"), "net_income": _l("Net income per person per month"),
                "income": _l("Income per person over the months compared"),
                "financial_assets": _l("Financial assets per person"), "houses": _l("Houses"),
                "vehicles": _l("Vehicles")}
#: the kinds a rule file groups its categories under (二、（一）1), as a form's groups of choices say them
CATEGORY_KINDS = {"incident": _l("Incidents"), "illness": _l("Illnesses"), "education": _l("Education"),
                  "other": _l("Other hardship")}


def category_label(category: str, county: str | None = None) -> str:
    """The category's name from the county's rule file: ``name`` in Chinese, ``name_en`` in English (the
    Chinese name when the file gives no English one); the code only for a category no file knows."""
    zh = str(get_locale()).startswith("zh")
    rules = current_rules()
    for code in ([county] if county else []) + rules.counties():
        for found in rules.categories(code):
            if f"{found.kind}:{found.code}" == category:
                return found.name if zh or not found.name_en else found.name_en
    return category
