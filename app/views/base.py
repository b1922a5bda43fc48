"""The scoped base classes moved to :mod:`app.web.scoped` and :mod:`app.web.scoped_views` (shared with
the API); the screens keep importing them from here."""
from app.web.scoped import ChoicesInterface, ScopedInterface  # noqa: F401
from app.web.scoped_views import RegionColumnsMixin, ScopedModelView, export_value, shown_in_words  # noqa: F401
