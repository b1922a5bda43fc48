"""The one text column of a query, in lists of rows, as fast as the database can hand them over.

The impact of a rule change reads a year of a city's decision rows: a million short texts. Row by row
through the driver (a result row made per case, then a tuple of ours) that was about 2 µs a case in
Python, with PostgreSQL's own work per row on the other core. On PostgreSQL the query is run as
``COPY (query) TO STDOUT`` instead: the server writes the texts as lines, psycopg hands over blocks of
them, and they are cut into lines in C (0.9 s for 1,000,000 against 1.9 s). A line holding a backslash is
undone from COPY's text format (``\\\\``, ``\\n``, ...), so every text comes back as stored. Elsewhere
(SQLite) the rows are fetched ``size`` at a time.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))", re.DOTALL)
_LETTERS = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def text_rows(connection, query, size: int) -> Iterator[list[str]]:
    """The texts of ``query`` (a select of one text column that is never NULL), ``size`` a list (the
    last may hold fewer); on the SQLAlchemy ``connection``, in its transaction."""
    if connection.dialect.name == "postgresql":
        yield from _copied(connection, query, size)
        return
    result = connection.execute(query.execution_options(yield_per=size))
    yield from result.scalars().partitions(size)


def _copied(connection, query, size: int) -> Iterator[list[str]]:
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    driver = connection.connection.driver_connection
    lines: list[str] = []
    with driver.cursor() as cursor, _serial(cursor), cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
        rest, blocks = b"", []
        for block in copy:                     # PostgreSQL sends a row a block: cut them a chunk at a time
            blocks.append(block)
            if len(blocks) >= size:
                rest = _cut(rest, blocks, lines)
                while len(lines) >= size:
                    yield lines[:size]
                    del lines[:size]
        _cut(rest, blocks, lines)
    while lines:
        yield lines[:size]
        del lines[:size]


def _cut(rest: bytes, blocks: list, lines: list[str]) -> bytes:
    """``rest`` and ``blocks`` joined, their whole lines added to ``lines`` (``blocks`` emptied); what
    follows the last line end."""
    data = rest + b"".join(blocks)
    blocks.clear()
    cut = data.rfind(b"\n") + 1
    if cut:
        lines += _lines(data[:cut - 1].decode("utf-8"))
    return data[cut:]


@contextmanager
def _serial(cursor):
    """No parallel workers and no JIT for the query meanwhile (in this transaction only), as they were
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


def _lines(text: str) -> list[str]:
    r"""The texts that lines of COPY's text format stand for (only a line with a backslash changes).

    >>> _lines("plain\na\\\\b\none\\ntwo\n\\101")
    ['plain', 'a\\b', 'one\ntwo', 'A']
    """
    lines = text.split("\n")
    if "\\" not in text:
        return lines
    return [_ESCAPE.sub(_character, line) if "\\" in line else line for line in lines]


def _character(match: re.Match) -> str:
    octal, hexadecimal, letter = match.groups()
    if octal:
        return chr(int(octal, 8))
    if hexadecimal:
        return chr(int(hexadecimal, 16))
    return _LETTERS.get(letter, letter)
