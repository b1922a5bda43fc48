"""How many rows a list holds, in a time that does not grow with the caseload.

``SELECT count(*)`` over the filtered rows reads every one of them: 53 ms at 130,000 cases, seconds at a
province's millions, on every list page. A list counts at most ``LIST_COUNT_CAP`` rows (10,000 unless
the setting says otherwise: 400 pages of 25); past that the page says so — "more than 10,000 (about
1,000,000)", the estimate from PostgreSQL's planner — and the pager offers the first ``cap`` rows, which
nobody pages through anyway: a search narrows the list. Pagination stays honest: every page the pager
offers exists, and a count below the cap is exact.
"""
from __future__ import annotations

import json

from flask import current_app, has_app_context
from flask_babel import format_number, gettext
from markupsafe import escape
from sqlalchemy import literal_column

DEFAULT_CAP = 10_000


class CappedCount(int):
    """A count that stopped at the cap. As a number it is the cap (the pager and FAB's templates compute
    pages with it); on a page it reads "more than 10,000", with the planner's estimate where known."""

    capped = True

    def __new__(cls, cap: int, estimate: int | None = None):
        count = super().__new__(cls, cap)
        count.estimate = estimate
        return count

    def __str__(self) -> str:
        text = gettext("more than %(count)s", count=format_number(int(self)))
        if self.estimate and self.estimate > int(self):
            text += gettext(" (about %(count)s)", count=format_number(_rounded(self.estimate)))
        return text

    def __html__(self) -> str:
        return str(escape(str(self)))


def _rounded(estimate: int) -> int:
    """An estimate to two significant figures: 1,013,442 reads "about 1,000,000", not false precision."""
    digits = len(str(estimate)) - 2
    return round(estimate, -digits) if digits > 0 else estimate


def count_cap() -> int:
    if has_app_context():
        return int(current_app.config.get("LIST_COUNT_CAP", DEFAULT_CAP))
    return DEFAULT_CAP


def capped_count(query, cap: int | None = None) -> int:
    """The rows of an ORM ``query`` (filters applied, no order or page), counted up to ``cap``: an exact
    ``int`` below the cap, a :class:`CappedCount` at or above it. One cheap query: ``count(*)`` over at most
    ``cap + 1`` rows, selecting no column (so an index alone can answer it); a second, planning only
    (``EXPLAIN``, no rows read), for the estimate on PostgreSQL when the cap is reached."""
    cap = count_cap() if cap is None else cap
    counted = query.with_entities(literal_column("1")).order_by(None).limit(cap + 1).count()
    if counted <= cap:
        return counted
    return CappedCount(cap, _estimate(query))


def _estimate(query) -> int | None:
    """The planner's row estimate of the filtered rows (PostgreSQL), else None."""
    session = query.session
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    statement = query.with_entities(literal_column("1")).order_by(None).statement
    compiled = statement.compile(dialect=bind.dialect)
    # the driver's own placeholders and parameters, as the count query itself was sent
    plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
