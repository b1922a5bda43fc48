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
from sqlalchemy import func, literal_column, select
from sqlalchemy.exc import DBAPIError

DEFAULT_CAP = 10_000


class CappedCount(int):
    """A count that stopped at the cap. As a number it is the cap (the pager and FAB's templates compute
    pages with it); on a page it reads "more than 10,000", with the planner's estimate where known."""

    capped = True

    def __new__(cls, cap: int, estimate=None):
        count = super().__new__(cls, cap)
        count._estimate = estimate
        return count

    @property
    def estimate(self) -> int | None:
        """The planner's estimate, asked for only when a page shows it (the API's JSON reads the number
        alone and costs no plan); a callable given at creation is called once."""
        if callable(self._estimate):
            self._estimate = self._estimate()
        return self._estimate

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
    ``cap + 1`` rows, selecting no column (so an index alone can answer it); past the cap, when a page
    shows the words, a second, planning only (``EXPLAIN``, no rows read), for PostgreSQL's estimate."""
    cap = count_cap() if cap is None else cap
    counted = query.session.scalar(select(func.count()).select_from(_rows(query).limit(cap + 1).subquery()))
    if counted <= cap:
        return counted
    return CappedCount(cap, lambda: _estimate(query))


def _rows(query):
    """The query's rows as bare ``1``s (no column to read, so an index alone may answer), still FROM its
    tables: without ``maintain_column_froms`` an unfiltered query (the city sees everything) would lose
    its FROM and become ``SELECT 1``, one row."""
    return query.statement.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None)


def _estimate(query) -> int | None:
    """The planner's row estimate of the filtered rows (PostgreSQL), else None."""
    session = query.session
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return None
    statement = _rows(query)
    # the driver's own placeholders and parameters (IN lists expanded), as the count query itself was sent
    compiled = statement.compile(dialect=bind.dialect, compile_kwargs={"render_postcompile": True})
    try:
        with session.begin_nested():  # a plan that cannot be had must not end the request's transaction
            plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled),
                                                        compiled.params).scalar()
    except DBAPIError:
        return None  # the words then say "more than 10,000" without the estimate
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
