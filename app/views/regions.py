"""Read-only screens over the region hierarchy (city → county → township)."""
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import Region
from app.views import choices
from app.views.base import shown_in_words


class RegionView(ModelView):
    datamodel = SQLAInterface(Region)
    base_permissions = ["can_list", "can_show"]
    list_title = _l("Regions")
    show_title = _l("Region")
    list_columns = ["code", "name", "level", "parent"]
    show_columns = ["code", "name", "level", "parent", "note"]
    search_columns = ["code", "name", "level"]
    base_order = ("code", "asc")
    formatters_columns = choices.formatters("level")
    label_columns = {
        "code": _l("Code"), "name": _l("Name"), "level": _l("Level"),
        "parent": _l("Parent region"), "note": _l("Note"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        shown_in_words(self)
