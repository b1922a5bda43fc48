"""Columns of amounts in whole fen: a chunk's amount texts checked and parsed together, and written back.

The column evaluator (:mod:`app.rules.columns`) reads every amount of a chunk of lines at once: the texts
of one field are joined, checked as one text over a byte array, and parsed by one msgspec call, then held
in fen as ``int64``. Each check is the one :mod:`app.rules.plainjson` makes of a single line — the same
characters, no third decimal, JSON's number grammar, as many numbers as texts, each below 10^10 yuan —
and where the chunk's text fails, every line is checked on its own by the reader's function, so a bad
amount costs its line, never the chunk. ``tests/rules/test_fen_columns.py`` holds the two to the same
answers on random texts.

Example::

    >>> fen, ok = singles(["12.5", "3", "1.005"])
    >>> fen.tolist(), ok.tolist()
    ([1250, 300, 0], [True, True, False])
    >>> yuan(np.array([1250, -5051, 0])), ratio(np.array([1000]), np.array([3]))
    (['12.5', '-50.51', '0'], ['3.33'])
"""
from __future__ import annotations

import msgspec
import numpy as np

from app.rules.plainjson import FEN_LIMIT, amount_lists, amount_texts
from app.rules.quickverdict import CENTS

_FLOATS = msgspec.json.Decoder(list[float]).decode
_OPEN, _CLOSE, _QUOTE, _SPACE, _DOT = (ord(c) for c in '[]" .')
_NOT_IN_AMOUNTS = (b"e", b"E", b"-", b"+", b"\t", b"\n", b"\r")
_ZERO = b'["0"]'                  # what stands for a bad list while the others are read


def column(values, dtype=np.int64) -> np.ndarray:
    """An array of ``values`` (an iterable: a ``map`` over the lines is read in C)."""
    return np.fromiter(values, dtype)


def _checked(joined: bytes) -> np.ndarray | None:
    """``joined`` as a byte array, when it holds no byte that would make a number of what is not an amount
    (an exponent, a sign, whitespace but a space) and no amount with a third decimal. What else may not be
    in an amount (letters, escapes, other characters) JSON's number grammar refuses when it is read."""
    if any(byte in joined for byte in _NOT_IN_AMOUNTS):
        return None
    chars = np.frombuffer(joined, np.uint8)
    digits = (chars - 48) < 10
    if len(chars) > 3 and ((chars[:-3] == _DOT) & digits[1:-2] & digits[2:-1] & digits[3:]).any():
        return None
    return chars


def _fen(numbers: bytes, count: int) -> np.ndarray | None:
    """The fen of the ``count`` JSON numbers of ``numbers`` (separated by commas), each below the limit."""
    try:
        values = np.array(_FLOATS(b"[" + numbers + b"]"), np.float64)
    except msgspec.DecodeError:
        return None
    if len(values) != count or (count and values.max() * 100 >= FEN_LIMIT):
        return None
    return np.rint(values * 100).astype(np.int64)


def singles(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """``(fen, ok)`` of a column of amount texts, each read as :func:`~app.rules.plainjson.amount_texts`
    reads one (a bad one reads 0)."""
    joined = ",".join(texts)
    fen = None
    if joined.isascii():
        joined = joined.encode()
        if b'"' not in joined and b" " not in joined and _checked(joined) is not None:
            fen = _fen(joined, len(texts))
    if fen is not None:
        return fen, np.ones(len(texts), bool)
    ok = np.array([amount_texts([text]) is not None for text in texts], bool)
    return singles([text if good else "0" for text, good in zip(texts, ok)])[0], ok


def months(raws: list) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(running sums in fen with a leading 0, each line's offset, length, ok)`` of a column of raw amount
    lists, each read as :func:`~app.rules.plainjson.amount_lists` reads one (a bad one as one month of 0).

    The sum of a line's first ``n`` months is ``sums[offset + n] - sums[offset]``. The running sum may
    wrap past 2^63 in a long chunk; a difference of two is still exact, each line's own sum being far
    below it."""
    found = _lists(raws)
    ok = np.ones(len(raws), bool)
    if found is None:
        ok = np.array([amount_lists([raw]) is not None for raw in raws], bool)
        found = _lists([raw if good else _ZERO for raw, good in zip(raws, ok)])
    fen, lengths = found
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return np.concatenate(([0], np.cumsum(fen))), offsets, lengths, ok


def _lists(raws: list) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`~app.rules.plainjson.amount_lists` over arrays: ``(fen, lengths)``, or None."""
    joined = b",".join(raws)
    chars = _checked(joined)
    count = len(raws)
    if (chars is None or b'""' in joined or joined.count(b" ") != joined.count(b", ")
            or joined.count(b"[") != count or joined.count(b"]") != count):
        return None
    sizes = column(map(len, raws))
    starts = np.concatenate(([0], np.cumsum(sizes + 1)[:-1]))
    ends = starts + sizes - 1
    if (sizes < 2).any() or (chars[starts] != _OPEN).any() or (chars[ends] != _CLOSE).any():
        return None
    quotes = np.concatenate(([0], np.cumsum(chars == _QUOTE)))
    lengths = (quotes[ends + 1] - quotes[starts]) // 2
    if not lengths.all():
        return None
    fen = _fen(joined.translate(None, b'"[]'), int(lengths.sum()))
    return None if fen is None else (fen, lengths)


def yuan(amounts: np.ndarray) -> list[str]:
    """Each amount in fen as ``money`` writes it in yuan: ``1250`` → ``"12.5"``, ``-5051`` → ``"-50.51"``."""
    whole, cents = np.divmod(np.abs(amounts), 100)
    negative = amounts < 0
    texts = list(map(str.__add__, map(str, np.where(negative, -whole, whole).tolist()),
                     map(CENTS.__getitem__, cents.tolist())))
    for index in np.flatnonzero(negative & (whole == 0)).tolist():   # -0.51: no whole yuan to carry the sign
        texts[index] = "-" + texts[index]
    return texts


def ratio(amounts: np.ndarray, divisors: np.ndarray) -> list[str]:
    """Each amount in fen ÷ its divisor, rounded half-up (away from zero) to the fen, as :func:`yuan`: the
    engine's ``_ratio``."""
    divisors = np.maximum(divisors, 1)  # 0 only on a line already refused, whose text is never read
    quotients = (2 * np.abs(amounts) + divisors) // (2 * divisors)
    return yuan(np.where(amounts < 0, -quotients, quotients))
