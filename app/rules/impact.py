"""What a proposed rule change would do to the office's caseload and budget, before it is saved.

The caseload of the last twelve months stands for the caseload to come: every stored application
(``Case.inputs``, the engine's own input) is evaluated twice on the same day — under the rules as they
are (planned entries included) and as they would be after the edit — and the two verdicts are
compared: how many change eligibility, approval level or amount, and the total suggested amount before
and after — and, for the 2026 opinion's 小额快救, how many applications are quick aid and what those
are suggested in all, before and after. The day is the edit's effective date (today for an edit that is not dated), so a rise of a
standard from next July is measured as it will act from next July; applications are re-dated to it,
and their own acceptance and reporting times are dropped (they decide only deadlines, which the impact
does not compare).

Both rule sets are built once and each evaluation is one engine call without explanation. An
application is parsed once for both rule sets, and a county whose decisive rules on the day are the
same under both (a city edit that a county overrides, say) is evaluated once: its outcome cannot
move (on the decision path the same holds per group, and a group whose approval limit alone moved has
only its level set again: :meth:`~app.rules.decisions.Decider.decide_both`). Stored cases are read
:data:`PROGRESS_EVERY` at a time, and the decision rows of each such chunk are decided and counted as
columns in whole fen (:mod:`app.rules.impactcolumns`: a few µs a case less); what those cannot take goes
row by row. ``progress`` (a callable ``(done, total)``, ``total`` None when the applications have no length)
is told every :data:`PROGRESS_EVERY` applications and at the end, for a background job's progress bar.
``bench/editor_impact.py`` times it. Pure: no Flask, no database.
"""
from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from heapq import nsmallest
from itertools import islice
from operator import attrgetter
from typing import Iterable

from app.rules.collector import collector_off, collector_paused
from app.rules.decisions import Decider, plain_value, read_row
from app.rules.engine import evaluate_request
from app.rules.faults import InputError
from app.rules.impactcolumns import Chunk, Decisions, Table, split, tally
from app.rules.inputs import parse_input
from app.rules.jsonin import json_loads
from app.rules.stored_rows import SEPARATOR, row_of

#: input fields that only place deadlines; a re-dated application takes the defaults
DATED_FIELDS = ("accepted_on", "reported_at", "pre_assisted_on")
PROGRESS_EVERY = 5000
PENDING = 1000  # inputs read at once for stored rows that cannot decide
COLUMNS_FROM = 64  # stored rows of a chunk: fewer are decided row by row (numpy's set-up costs more)
_KEY = attrgetter("key")


@dataclass
class Outcome:
    """What one verdict decides that the impact compares."""

    eligible: bool | None  # None: the input could not be evaluated (an input error)
    level: str | None
    suggested: Decimal | None
    error: str | None = None
    quick: bool = False  # 小额快救

    @classmethod
    def of(cls, req, rules) -> "Outcome":
        """The outcome of a parsed input (or of the input error that stopped its parsing)."""
        return cls(*_decide(req, rules))


@dataclass
class Example:
    key: object
    before: Outcome
    after: Outcome


@dataclass
class Impact:
    as_of: date
    applications: int = 0
    changed: int = 0                # any of the three below
    changed_eligibility: int = 0
    changed_level: int = 0
    changed_amount: int = 0
    eligible_before: int = 0
    eligible_after: int = 0
    errors_before: int = 0
    errors_after: int = 0
    total_before: Decimal = Decimal(0)
    total_after: Decimal = Decimal(0)
    quick_before: int = 0           # applications that are 小额快救 under the current rules
    quick_after: int = 0
    quick_total_before: Decimal = Decimal(0)  # suggested to those, in all
    quick_total_after: Decimal = Decimal(0)
    examples: list[Example] = field(default_factory=list)
    processes: int = 1              # the processes it was computed on (a split impact: its parts)

    @property
    def difference(self) -> Decimal:
        return self.total_after - self.total_before


def merged(parts: list[Impact], examples: int = 20) -> Impact:
    """The impact of the applications of ``parts`` taken together (one impact of the same day split over
    processes): the counts and totals added, the examples those of the lowest keys of all, ``examples`` at most.

    >>> both = merged([Impact(date(2027, 1, 1), applications=2), Impact(date(2027, 1, 1), applications=3)])
    >>> both.applications, both.processes
    (5, 2)
    """
    result = Impact(parts[0].as_of, processes=0)
    for name in Impact.__dataclass_fields__:
        if name not in ("as_of", "examples"):
            setattr(result, name, sum((getattr(part, name) for part in parts), getattr(result, name)))
    result.examples = sorted((example for part in parts for example in part.examples), key=_KEY)[:examples]
    return result


def redated(data: dict, day: str) -> dict:
    """The application as if made on ``day`` (YYYY-MM-DD)."""
    out = {key: value for key, value in data.items() if key not in DATED_FIELDS}
    out["application_date"] = day
    return out


def _decide(req, rules) -> tuple:
    """``(eligible, level, suggested, error, quick)`` of a parsed input (or of its parsing error)."""
    if isinstance(req, InputError):
        return None, None, None, f"{req.field}: {req.message}", False
    try:
        decision = evaluate_request(req, rules, explain=False)
    except InputError as exc:
        return None, None, None, f"{exc.field}: {exc.message}", False
    return decision.eligible, decision.approval_level, decision.suggested, None, decision.quick


def decisive_rules(rules, county: str, day: date):
    """What an unexplained verdict of ``county`` on ``day`` reads from ``rules``: its categories and
    its parameters' values (sources aside: they name lines, not outcomes). None without the county."""
    found = rules.county(county)
    if found is None:
        return None
    values = {path: None if val is None else plain_value(val.value) for path, val in found.params(day).items()}
    return found.category_map, values


def impact(current, proposed, applications: Iterable[tuple[object, dict]], as_of: date,
           examples: int = 20, progress=None, columns: bool = True) -> Impact:
    """Compare ``current`` and ``proposed`` (RuleSets) over ``(key, engine input)`` pairs on ``as_of``;
    keeps as examples the ``examples`` applications of the lowest keys whose outcome changed (whatever the
    order they come in: a split impact's parts give the same); tells ``progress(done, total)``.

    An engine input is a dict, or as a case stores it: ``(its decision row or None, its JSON text)``
    (:mod:`app.rules.stored_rows`; the text is decoded only when the row cannot decide). The text may be
    None beside a row when ``applications`` has ``inputs_of(keys) -> {key: engine input}``: the inputs
    a row cannot decide are then read :data:`PENDING` at a time (a year of cases is read without its JSON).
    ``columns``: plain applications are decided by :mod:`app.rules.decisions` (the same outcomes,
    from parameters derived once per group); False evaluates every one the engine's way."""
    with collector_paused():
        return _impact(current, proposed, applications, as_of, examples, progress, columns)


def _impact(current, proposed, applications, as_of: date, examples: int, progress, columns: bool) -> Impact:
    result = Impact(as_of)
    deciders = (Decider(current, as_of), Decider(proposed, as_of)) if columns else None
    table = Table(*deciders) if columns else None
    day = as_of.isoformat()
    total = len(applications) if progress is not None and hasattr(applications, "__len__") else None
    unchanged: dict[str, bool] = {}  # county -> its decisive rules are the same under both
    done = 0
    pending: list = []  # keys of stored rows that cannot decide, their inputs not read yet

    def usual_way() -> None:
        inputs = applications.inputs_of(pending)
        for key in pending:
            _count(result, key, *_usual(inputs[key], day, unchanged, current, proposed, as_of), examples)
        pending.clear()

    def one(key, data, flush: bool) -> None:
        pair = stored = None
        if type(data) is tuple:
            stored, data = data
            if stored is None:
                data = json_loads(data)
        if deciders is not None:
            row = read_row(data, as_of) if stored is None else row_of(stored, as_of)
            if row is not None:
                pair = deciders[0].decide_both(deciders[1], row)
        if pair is not None:
            _count(result, key, *pair, examples)
        elif data is None:
            pending.append(key)
            if flush and len(pending) >= PENDING:
                usual_way()
        else:
            _count(result, key, *_usual(data, day, unchanged, current, proposed, as_of), examples)

    told = 0
    if progress is not None:
        progress(0, total)
    for chunk, blocks in _chunks(applications, table):
        done += len(chunk)
        if table is not None:
            chunk = _columns_first(result, table, chunk, blocks, as_of, examples)
        for key, data in chunk:
            one(key, data, not blocks)        # the inputs of block rows are read after the last block
        if progress is not None and done // PROGRESS_EVERY > told // PROGRESS_EVERY:
            progress(done, total)
            told = done
    if pending:
        usual_way()
    if progress is not None:
        progress(done, total)
    return result


def _chunks(applications, table):
    """The applications :data:`PROGRESS_EVERY` at a time, each list with whether it is one of the row
    blocks: lists of ``(key, input)``, or of stored rows led by their keys where ``applications`` has
    ``row_blocks`` (and ``unrowed`` for the rest) and the column path is on. The inputs of the block rows
    the row path cannot decide are read after the last block (their keys kept meanwhile)."""
    if table is not None and hasattr(applications, "row_blocks"):
        for block in applications.row_blocks(PROGRESS_EVERY):
            yield block, True
        rows = iter(applications.unrowed())
    else:
        rows = iter(applications)
    while chunk := list(islice(rows, PROGRESS_EVERY)):
        yield chunk, False


def _columns_first(result: Impact, table: Table, chunk: list, blocks: bool, as_of: date, examples: int) -> list:
    """Count what the column path decides of a chunk (a row block, or ``(key, input)`` pairs: their stored
    rows); ``(key, input)`` of the rest, for the row path."""
    if blocks:
        return (_by_columns(result, table, chunk, None, as_of, examples) if len(chunk) >= COLUMNS_FROM
                else list(map(_keyed, chunk)))
    stored = [item for item in chunk if type(item[1]) is tuple and item[1][0] is not None]
    if len(stored) < COLUMNS_FROM:
        return chunk
    rest = [item for item in chunk if not (type(item[1]) is tuple and item[1][0] is not None)]
    return rest + _by_columns(result, table, [item[1][0] for item in stored], stored, as_of, examples)


def _by_columns(result: Impact, table: Table, texts: list[str], items: list | None, as_of: date,
                examples: int) -> list:
    """Decide and count the stored rows ``texts`` (of ``items``, ``(key, (row, JSON or None))``; None: each
    text leads with its key, as :meth:`~app.services.rule_edits.Applications.row_blocks` gives them) that
    :mod:`app.rules.impactcolumns` decides, the examples among them made the row path's way (the same
    outcomes, the engine's very Decimals); the items of the rest, for the row path."""
    keyed = items is None
    fit, others = split(texts, keyed)
    rest = []
    if others:
        rest = [_keyed(texts[index]) if keyed else items[index] for index in others]
        if not keyed:
            left = set(others)
            items = [item for index, item in enumerate(items) if index not in left]
    if not fit:
        return rest
    with collector_off():   # the chunk's lists, held while it is read, need no cycle collector passing over them
        columns = Chunk(table, fit, as_of.isoformat(), keyed)
        changed, undecided = tally(result, Decisions(columns, table, 0), Decisions(columns, table, 1))
    keys = columns.keys if keyed else [key for key, _ in items]
    kept = result.examples
    if len(kept) >= examples and kept:
        changed = [index for index in changed if keys[index] < kept[-1].key]
    for index in nsmallest(examples, changed, key=keys.__getitem__):
        row = row_of(fit[index][len(keys[index]) + 1:] if keyed else fit[index], as_of)
        _keep(result, keys[index], *table.deciders[0].decide_both(table.deciders[1], row), examples)
    return rest + [_keyed(fit[index]) if keyed else items[index] for index in undecided]


def _keyed(line: str) -> tuple:
    """``(key, (row, None))`` of a text that leads with its key."""
    key, _, row = line.partition(SEPARATOR)
    return key, (row, None)


def _same(unchanged: dict, county: str, current, proposed, as_of: date) -> bool:
    """Whether ``county``'s decisive rules on ``as_of`` are the same under both (remembered)."""
    same = unchanged.get(county)
    if same is None:
        old = decisive_rules(current, county, as_of)
        same = unchanged[county] = old is not None and old == decisive_rules(proposed, county, as_of)
    return same


def _usual(data, day: str, unchanged: dict, current, proposed, as_of: date) -> tuple:
    """``(before, after)`` of one application the engine's way: parsed once, evaluated per rule set."""
    if type(data) is str:
        data = json_loads(data)
    try:
        req = parse_input(redated(data, day))
    except InputError as exc:
        req = exc
    before = _decide(req, current)
    if isinstance(req, InputError) or _same(unchanged, req.county, current, proposed, as_of):
        return before, before
    return before, _decide(req, proposed)


def _count(result: Impact, key, before: tuple, after: tuple, examples: int) -> None:
    eligible_before, level_before, suggested_before, error_before, quick_before = before
    eligible_after, level_after, suggested_after, error_after, quick_after = after
    result.applications += 1
    result.errors_before += error_before is not None
    result.errors_after += error_after is not None
    result.eligible_before += bool(eligible_before)
    result.eligible_after += bool(eligible_after)
    if suggested_before is not None:
        result.total_before += suggested_before
    if suggested_after is not None:
        result.total_after += suggested_after
    if quick_before:
        result.quick_before += 1
        if suggested_before is not None:
            result.quick_total_before += suggested_before
    if quick_after:
        result.quick_after += 1
        if suggested_after is not None:
            result.quick_total_after += suggested_after
    if before is after:
        return
    eligibility = eligible_before != eligible_after
    level = level_before != level_after
    amount = suggested_before != suggested_after
    result.changed_eligibility += eligibility
    result.changed_level += level
    result.changed_amount += amount
    if eligibility or level or amount:
        result.changed += 1
        _keep(result, key, before, after, examples)


def _keep(result: Impact, key, before: tuple, after: tuple, examples: int) -> None:
    """Keep a changed application as an example when its key is among the ``examples`` lowest."""
    kept = result.examples
    if len(kept) < examples or (kept and key < kept[-1].key):
        insort(kept, Example(key, Outcome(*before), Outcome(*after)), key=_KEY)
        del kept[examples:]
