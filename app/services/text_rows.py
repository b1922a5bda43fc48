"""The one text column of a query, in lists of rows, as fast as the database can hand them over.

The impact of a rule change reads a year of a city's decision rows: a million short texts. Row by row
through the driver (a result row made per case, then a tuple of ours) that was about 2 µs a case in
Python, and ``COPY … TO STDOUT`` still hands them over one message a row (psycopg reads each through a
Python generator: 1.7 µs a row). On PostgreSQL the server gathers them instead: one ``array_agg`` per
``size`` consecutive keys, read in PostgreSQL's binary format (psycopg makes the list of texts in C), a
window of keys a query so that what a query holds stays bounded. Measured for the two halves of a million
cases read at once on two cores: 1.8–1.9 s each, against 2.7–2.9 s by COPY. The texts come back as stored
(no escapes to undo). Elsewhere (SQLite) the rows are fetched ``size`` at a time.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

WINDOW_BLOCKS = 20   # blocks of ``size`` keys a query reads on PostgreSQL (its result: some MB, not all rows)


def text_rows(connection, query, size: int, key, first: int, last: int) -> Iterator[list[str]]:
    """The texts of ``query`` (a select of one text column that is never NULL), ``size`` a list (the
    last may hold fewer), on the SQLAlchemy ``connection``, in its transaction. ``key`` is an integer
    column of the query's rows and ``first``..``last`` the range its values lie in (PostgreSQL reads
    them a window of keys at a time)."""
    if connection.dialect.name == "postgresql":
        yield from _aggregated(connection, query, size, key, first, last)
        return
    result = connection.execute(query.execution_options(yield_per=size))
    yield from result.scalars().partitions(size)


def _aggregated(connection, query, size: int, key, first: int, last: int) -> Iterator[list[str]]:
    driver = connection.connection.driver_connection
    lines: list[str] = []
    step = size * WINDOW_BLOCKS
    with driver.cursor(binary=True) as cursor, _serial(cursor):
        for low in range(first, last + 1, step):
            window = query.add_columns(key).where(key.between(low, min(low + step - 1, last)))
            inner = str(window.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
            cursor.execute(f"SELECT array_agg(s.t) FROM ({inner}) AS s(t, k) "
                           f"GROUP BY s.k / {int(size)}")
            for (texts,) in cursor:
                lines += texts
                while len(lines) >= size:
                    yield lines[:size]
                    del lines[:size]
    if lines:
        yield lines


@contextmanager
def _serial(cursor):
    """No parallel workers and no JIT for the queries meanwhile (in this transaction only), as they were
    after. The reader in Python is the slower side, and the machine's other cores belong to the other
    parts of a split impact: measured for half of a million cases on two cores, the parallel plan took
    1.5 s of three processes (85 ms of it compiling), the serial one 0.56 s of one."""
    cursor.execute("SELECT current_setting('max_parallel_workers_per_gather'), current_setting('jit')")
    workers, jit = cursor.fetchone()
    cursor.execute("SELECT set_config('max_parallel_workers_per_gather', '0', true), set_config('jit', 'off', true)")
    from psycopg import pq   # here: psycopg is installed with PostgreSQL's extra only

    try:
        yield
    finally:
        if not cursor.closed and cursor.connection.info.transaction_status == pq.TransactionStatus.INTRANS:
            cursor.execute("SELECT set_config('max_parallel_workers_per_gather', %s, true), "
                           "set_config('jit', %s, true)", (workers, jit))
