"""Personal data of a related row, masked row by row.

:class:`~app.views.base.ScopedModelView` masks a model's own personal columns by viewer; a referral shows
its household's name, ID number, phone and address, which charity staff may see only once their charity
has claimed it. FAB's formatters see a value but not its row, so the masking is done where the row is
still known: when the interface turns rows into the values lists and detail pages show.
"""
from __future__ import annotations

from app.security.masking import mask_value
from app.web.viewer import viewer_sees_whole
from app.views.base import ScopedInterface


class MaskingInterface(ScopedInterface):
    """``personal``: column (dotted allowed) → kind of personal data (``name``, ``id_number``, ...)."""

    def __init__(self, obj, personal: dict[str, str] | None = None, session=None):
        super().__init__(obj, session=session)
        self.personal = personal or {}

    def _masked(self, item, columns, values):
        if viewer_sees_whole(item):
            return values
        return [mask_value(self.personal[c], v) if c in self.personal else v for c, v in zip(columns, values)]

    def get_values_item(self, item, show_columns):
        return self._masked(item, show_columns, super().get_values_item(item, show_columns))

    def get_values(self, lst, list_columns):
        for item in lst:
            row = {col: self._get_attr_value(item, col) for col in list_columns}
            if not viewer_sees_whole(item):
                for col, kind in self.personal.items():
                    if col in row:
                        row[col] = mask_value(kind, row[col])
            yield row
