"""Personal data shown whole only to those who work the case; masked everywhere else.

Who is looking is an argument (``user``), as in every service and scope rule: the web layer passes the
request's user (:mod:`app.web.viewer`), a job or the CLI the user it acts for.

>>> mask_value("id_number", "370881197506150020")
'3708**********0020'
>>> mask_value("phone", "13805371234")
'138****1234'
>>> mask_value("name", "张三丰")
'张**'
"""
from __future__ import annotations

from sqlalchemy import inspect as sa_inspect

from app.idnumber import mask as mask_id
from app.security.scope import sees_personal_data

#: column name → kind of personal data, for every model
PERSONAL_COLUMNS = {"id_number": "id_number", "phone": "phone", "bank_account": "bank_account"}


def mask_value(kind: str, value: str | None) -> str:
    if not value:
        return ""
    if kind == "id_number":
        return mask_id(value)
    if kind == "phone":
        return value[:3] + "*" * max(len(value) - 7, 0) + value[-4:] if len(value) > 7 else "*" * len(value)
    if kind == "name":
        return value[0] + "*" * (len(value) - 1)
    if kind == "address":
        return "******"
    return "*" * max(len(value) - 4, 0) + value[-4:]


def viewer_sees_whole(user, record=None) -> bool:
    """Whole for roles that work the case; also for a viewer the record itself unmasks: a record may
    define ``unmasked_for(user)`` (a referral, for the charity that claimed it)."""
    if sees_personal_data(user):
        return True
    unmasked_for = getattr(record, "unmasked_for", None)
    return unmasked_for is not None and user is not None and bool(unmasked_for(user))


def shown(kind: str, value: str | None, user, record=None) -> str:
    """The value as ``user`` may see it (on ``record``, when given)."""
    return (value or "") if viewer_sees_whole(user, record) else mask_value(kind, value)


def mask_fields(data: dict, kinds: dict[str, str]) -> None:
    """Mask the named fields of one dict in place (``kinds``: field → kind of personal data)."""
    for column, kind in kinds.items():
        if column in data:
            data[column] = mask_value(kind, data[column])


def mask_record(record: dict, user) -> None:
    """Mask the personal columns of one REST record in place, when ``user`` may not see them."""
    if viewer_sees_whole(user):
        return
    for column, kind in PERSONAL_COLUMNS.items():
        if column in record:
            record[column] = mask_value(kind, record[column])


def _holds_personal(model) -> bool:
    return any(column in PERSONAL_COLUMNS for column in sa_inspect(model).columns.keys())


def reveals_personal(model, path: str, sees_whole: bool) -> bool:
    """Whether sorting or filtering ``model`` by ``path`` (``id_number``, ``household.id_number``,
    ``household``) answers what a mask hides. A personal column never sorts or filters: the order of
    the rows would spell the hidden digits. For a viewer who sees personal data masked, neither does a
    relation to a row holding them: a filter ``household = 17`` ties a masked referral to a household
    whose name the viewer may learn elsewhere."""
    parts = path.split(".")
    if parts[-1] in PERSONAL_COLUMNS:
        return True
    if sees_whole:
        return False
    current = model
    for part in parts:
        relationship = sa_inspect(current).relationships.get(part)
        if relationship is None:
            return False
        current = relationship.mapper.class_
        if _holds_personal(current):
            return True
    return False
