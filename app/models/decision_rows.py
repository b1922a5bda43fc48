"""Writing the decision rows (``aid_case.decision_row``, :mod:`app.rules.stored_rows`) of cases already
stored, for the migrations that add or widen them: in id order, a batch at a time (memory flat however
many cases there are, no query per case)."""
from __future__ import annotations

import sqlalchemy as sa

from app.rules.jsonin import json_loads
from app.rules.stored_rows import stored_row

BATCH = 5000
_cases = sa.table("aid_case", sa.column("id", sa.Integer), sa.column("inputs", sa.Text),
                  sa.column("decision_row", sa.Text))


def write_rows(connection, missing_only: bool = False) -> int:
    """Write the row of every case (``missing_only``: of every case without one) that has one; how many."""
    after, written = 0, 0
    where = (_cases.c.decision_row.is_(None),) if missing_only else ()
    while True:
        rows = connection.execute(sa.select(_cases.c.id, sa.cast(_cases.c.inputs, sa.Text)).where(
            _cases.c.id > after, *where).order_by(_cases.c.id).limit(BATCH)).all()
        if not rows:
            return written
        stored = [{"key": id_, "row": stored_row(json_loads(inputs))} for id_, inputs in rows]
        stored = [item for item in stored if item["row"] is not None]
        if stored:
            connection.execute(_cases.update().where(_cases.c.id == sa.bindparam("key")).values(
                decision_row=sa.bindparam("row")), stored)
            written += len(stored)
        after = rows[-1][0]
