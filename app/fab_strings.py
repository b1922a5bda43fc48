"""Flask-AppBuilder strings its own zh catalogue lacks.

Marked here so that ``pybabel extract`` keeps them in our catalogue (``pybabel update`` would otherwise
mark hand-added entries obsolete); ``translations/zh`` gives their Chinese, which wins over FAB's.
"""
from flask_babel import lazy_gettext as _l

FAB_STRINGS = (
    _l("Add"), _l("Edit"), _l("Show"), _l("Delete"), _l("Cancel"), _l("Save"), _l("Back"),
    _l("Search"), _l("Groups"), _l("List Groups"), _l("Show Group"), _l("Add Group"), _l("Edit Group"),
    _l("Edit User Information"), _l("User information changed"), _l("Database Error"),
    _l("Contains (insensitive)"), _l("In"), _l("Not In"), _l("Either select a role or a group"),
    _l("The user's password for authentication"), _l("User(s) exists in the role, cannot delete"),
    _l("User(s) exists in the group, cannot delete"), _l("Are you sure you want to delete this item?"),
    _l("Sign In with "),
    _l("Must have at least two capital letters, one special character, two digits, three lower case "
       "letters and a minimal length of 10."),
)
