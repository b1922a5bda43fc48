"""Saving a rule file edited in the browser: checked, refused on a clash, written atomically, recorded.

A save runs under a lock on the rules directory (one save at a time, across every worker process):

1. the file is read again and its sha256 compared with the digest the form was opened with — a change
   made meanwhile (another administrator, an edit by hand) refuses the save with a clear message
   instead of being overwritten;
2. the proposed text is checked with the whole directory, by the loader's own schemas
   (``check_directory(..., overrides={rel: text})``): a proposal with faults never reaches the disk;
   nor does one that would change a value in force on a day already come (:mod:`app.rules.history`:
   the editor dates every change, but a revert could otherwise undo a change already in force);
3. the text goes to a temporary file in the same directory, which is then renamed over the old one
   (``os.replace``): a reader — any worker — sees the old file or the new, never half of one;
4. the revision (who, when, why, the diff and the full previous text) is committed *before* the rename:
   no worker can serve rules that are not on record, and a failed commit leaves the file untouched; if
   the rename fails, the revision is taken back. (Should the process die between the two, the record
   names a change whose ``digest_after`` the file never had: visible, never a change without record.)

Every worker notices the new file at its next look (``RuleStore.refresh_if_changed``: within a second
or so), the saving one at once. The service commits itself: the file and its record belong together.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Text, case, cast, func, null, select
from sqlalchemy.orm import Session, joinedload

from app.advisory import advisory_lock
from app.models import Case, Region, RuleRevision
from app.models.audit import utcnow
from app.rules.editing import Changes, Proposal, RuleFile, digest_of, editor_text, encode_like, propose
from app.rules.faults import Fault
from app.rules.history import Rewrite, rewritten
from app.rules.impact import Impact, impact
from app.rules.jsonin import json_loads
from app.rules.loader import check_directory, rule_files
from app.rules.stored_rows import SEPARATOR
from app.rules.yamledit import unified_diff
from app.rules.yamlsource import parse
from app.security.scope import ADMIN_ROLE
from app.services.deadlines import china_today
from app.services.text_rows import text_rows

LOCK_NAME = ".tempaid-edit.lock"  # not a *.yaml name: the loader never reads it
_CHECK_CACHE: dict = {}  # per-file results keyed by content hash (never stale, only faster)


class RuleEditRefused(Exception):
    """A save that must not happen; ``code`` names why, ``faults`` lists a proposal's faults."""

    def __init__(self, code: str, message: str, faults: list[Fault] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.faults = faults or []


@dataclass(frozen=True)
class EditableFile:
    code: str   # the region the file belongs to (a county, or the city)
    name: str
    rel: str
    role: str   # county | city


def _city_files(rules_dir: Path) -> list[EditableFile]:
    found = []
    for rel in rule_files(rules_dir):
        if "/" in rel or rel == "calendar.yaml":
            continue
        data, faults = parse((rules_dir / rel).read_text(encoding="utf-8-sig"), rel)
        region = data.get("region") if isinstance(data, dict) else None
        if faults or not isinstance(region, dict) or "code" not in region:
            continue
        code = region["code"]
        found.append(EditableFile(str(getattr(code, "text", code)), str(region.get("name", "")), rel, "city"))
    return found


def editable_files(user, rules_dir, rules) -> dict[str, EditableFile]:
    """The files ``user`` may edit, by region code: a county's rule administrator their county's file,
    the city's (a user whose region is the city) the city file; Admin every file."""
    rules_dir = Path(rules_dir)
    region = getattr(user, "region", None)
    is_admin = any(role.name == ADMIN_ROLE for role in getattr(user, "roles", ()))
    files: dict[str, EditableFile] = {}
    for code in rules.counties():
        county = rules.county(code)
        if is_admin or (region is not None and region.level == "county" and region.code == code):
            files[code] = EditableFile(code, county.name, county.file, "county")
    if is_admin or (region is not None and region.level == "city"):
        for city in _city_files(rules_dir):
            if is_admin or city.code == region.code:
                files[city.code] = city
    return files


def check(rules_dir, rel: str, text: str):
    """``(RuleSet or None, faults)`` of the directory with ``text`` standing in for ``rel``."""
    return check_directory(Path(rules_dir), _CHECK_CACHE, overrides={rel: text})


def history_rewrites(rules_dir, rel: str, proposed, today: dt.date) -> list[Rewrite]:
    """What ``proposed`` (the rules with ``rel`` changed) would change on days up to ``today``."""
    current, faults = check_directory(Path(rules_dir), _CHECK_CACHE)
    if current is None:
        return []
    return rewritten(current, proposed, affected_counties(current, rel), today)


def rewrites_text(rewrites: list[Rewrite], limit: int = 5) -> str:
    shown = "; ".join(f"{r.county} {r.path} {r.day.isoformat()}" for r in rewrites[:limit])
    return shown + ("; …" if len(rewrites) > limit else "")


def year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def affected_counties(rules, rel: str) -> list[str]:
    """Counties whose verdicts a change of ``rel`` can move: the county itself, or every county
    extending a city file."""
    return [code for code in rules.counties()
            if rules.county(code).file == rel or rules.county(code).city_file == rel]


class Applications:
    """Every application of ``counties`` made on or after ``since`` (with ``ids``, an inclusive
    ``(first, last)`` case id range: one part of a split impact) as the impact reads a stored case — its
    number and its decision row (see ``__iter__``) — streamed from the database (memory flat however
    many there are); ``len()`` counts them in SQL, for the impact's progress."""

    def __init__(self, session: Session, counties: list[str], since: dt.date, ids: tuple[int, int] | None = None):
        self.session, self.ids = session, ids
        self.where = (Region.code.in_(counties), Case.application_date >= since)
        if ids is not None:
            self.where += (Case.id.between(*ids),)

    def __len__(self) -> int:
        return self.extent()[0]

    def extent(self) -> tuple[int, int | None, int | None]:
        """How many, and the lowest and the highest case id among them, in one pass (None: there are none)."""
        query = select(func.count(), func.min(Case.id), func.max(Case.id)).select_from(Case).join(
            Region, Case.county_id == Region.id)
        return tuple(self.session.execute(query.where(*self.where)).one())

    def __iter__(self):
        """``(number, (decision row, None))``, or ``(number, (None, input as JSON text))`` for a case
        without a row, as :func:`app.rules.impact.impact` takes a stored input: the row decides a plain
        application without its JSON being read (what it cannot decide, :meth:`inputs_of` reads)."""
        # on the session's connection, not through the ORM: plain rows, without the ORM's per-row work
        # (a third of the reading time at 50,000), streamed by a server-side cursor where there is one
        # (the option goes on the statement: on the connection it would stay for every later statement).
        # The JSON is left where a row stands for it: 2 µs a case less on PostgreSQL (3.3 → 1.2)
        query = (select(Case.number, Case.decision_row,
                        case((Case.decision_row.is_(None), cast(Case.inputs, Text)), else_=null()))
                 .join(Region, Case.county_id == Region.id)
                 .where(*self.where).execution_options(yield_per=5000))
        for number, row, inputs in self.session.connection().execute(query):
            yield number, (row, inputs)

    def row_blocks(self, size: int):
        """The cases with a decision row, as ``number|row`` texts, ``size`` a list (gathered by the server
        on PostgreSQL: :mod:`app.services.text_rows`); :meth:`unrowed` gives the others."""
        query = (select(Case.number + SEPARATOR + Case.decision_row).join(Region, Case.county_id == Region.id)
                 .where(*self.where, Case.decision_row.is_not(None)))
        first, last = self.ids or self.session.execute(select(func.min(Case.id), func.max(Case.id))).one()
        if first is None:
            return iter(())
        return text_rows(self.session.connection(), query, size, Case.id, first, last)

    def unrowed(self):
        """``(number, (None, input as JSON text))`` of the cases without a decision row."""
        query = (select(Case.number, cast(Case.inputs, Text)).join(Region, Case.county_id == Region.id)
                 .where(*self.where, Case.decision_row.is_(None)).execution_options(yield_per=5000))
        for number, inputs in self.session.connection().execute(query):
            yield number, (None, inputs)

    def inputs_of(self, numbers: list[str]) -> dict:
        """The engine inputs of the cases ``numbers`` (in that order), in one query."""
        found = dict(self.session.connection().execute(
            select(Case.number, cast(Case.inputs, Text)).where(Case.number.in_(numbers))).all())
        return {number: json_loads(found[number]) for number in numbers}


def applications(session: Session, counties: list[str], since: dt.date) -> Applications:
    return Applications(session, counties, since)


def proposal_impact(session: Session, current, rules_dir, rel: str, text: str, as_of: dt.date,
                    today: dt.date, proposed=None, progress=None, columns: bool = True) -> Impact:
    """The impact of saving ``text`` as ``rel``: the county's (or, for the city file, every county's)
    applications of the last twelve months under ``current`` and the proposed rules, on ``as_of``.
    ``progress(done, total)`` is told as the applications are evaluated (a background job's bar);
    ``columns`` False skips the decision path (for a benchmark's comparison: the figures are the same)."""
    if proposed is None:
        proposed, faults = check(rules_dir, rel, text)
        if faults:
            raise RuleEditRefused("invalid", "the proposal has faults", faults)
    counties = affected_counties(current, rel)
    return impact(current, proposed, applications(session, counties, year_before(today)), as_of,
                  progress=progress, columns=columns)


@dataclass
class Preview:
    """What the editor shows before a save: the proposal (its diff), its faults and its impact."""

    proposal: Proposal
    faults: list[Fault]
    impact: Impact | None
    rewrites: list[Rewrite] = field(default_factory=list)

    @property
    def saveable(self) -> bool:
        return not (self.proposal.problems or self.faults or self.rewrites or self.proposal.unchanged)


def preview(session: Session, current, rule_file: RuleFile, changes: Changes, shown_on: dt.date,
            today: dt.date, with_impact: bool = True) -> Preview:
    """Propose, check with the whole directory, and measure the impact (when the proposal is valid)."""
    proposal = propose(rule_file, changes, shown_on, today)
    if proposal.problems or proposal.unchanged:
        return Preview(proposal, [], None)
    proposed, faults = check(rule_file.rules_dir, rule_file.rel, proposal.text)
    if faults:
        return Preview(proposal, faults, None)
    rewrites = history_rewrites(rule_file.rules_dir, rule_file.rel, proposed, today)
    if rewrites or not with_impact:
        return Preview(proposal, [], None, rewrites)
    as_of = max(proposal.effective or today, today)
    return Preview(proposal, [], proposal_impact(session, current, rule_file.rules_dir, rule_file.rel,
                                                  proposal.text, as_of, today, proposed))


#: the PostgreSQL advisory lock every rule save takes (one save at a time in the installation)
ADVISORY_KEY = 0x7E3A_1D00


@contextmanager
def _directory_lock(rules_dir: Path, session: Session | None = None):
    """One save at a time in a rules directory, whatever process makes it: a file lock (processes of one
    machine) and, on PostgreSQL, an advisory lock held on a connection of its own until the file is in
    place (workers on several machines sharing the directory and the database)."""
    with open(rules_dir / LOCK_NAME, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            with _advisory_lock(session):
                yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def _advisory_lock(session: Session | None):
    bind = session.get_bind() if session is not None else None
    engine = getattr(bind, "engine", bind)
    if engine is None or engine.dialect.name != "postgresql":
        yield
        return
    with advisory_lock(engine, ADVISORY_KEY):
        yield


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:  # the rename itself is durable once the directory is synced
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except OSError:
        pass


def _region_code(text: str, rel: str) -> str:
    data, _ = parse(text, rel)
    code = data["region"]["code"]
    return str(getattr(code, "text", code))


def save(session: Session, user, rules_dir, rel: str, text: str, digest: str, reason: str,
         effective: dt.date | None = None, reverts: RuleRevision | None = None,
         today: dt.date | None = None) -> RuleRevision:
    """Save ``text`` as the rule file ``rel``, opened when its sha256 was ``digest`` (see the module's
    docstring); returns the committed revision. Raises :class:`RuleEditRefused`."""
    rules_dir = Path(rules_dir)
    reason = (reason or "").strip()
    if not reason:
        raise RuleEditRefused("reason_needed", "give the reason for the change")
    path = rules_dir / rel
    with _directory_lock(rules_dir, session):
        raw = path.read_bytes()
        if digest_of(raw) != digest:
            raise RuleEditRefused("digest_moved", f"{rel} was changed by someone else after you opened it; "
                                                  "reopen the editor to see the file as it is now")
        old_text = editor_text(raw)
        if text == old_text:
            raise RuleEditRefused("unchanged", "the proposal changes nothing")
        proposed, faults = check(rules_dir, rel, text)
        if faults:
            raise RuleEditRefused("invalid", f"the proposal has {len(faults)} fault(s); nothing was saved", faults)
        rewrites = history_rewrites(rules_dir, rel, proposed, today or china_today())
        if rewrites:
            raise RuleEditRefused("history", rewrites_text(rewrites))
        new_raw = encode_like(raw, text)
        revision = RuleRevision(file=rel, region_code=_region_code(text, rel), user_id=user.id, at=utcnow(),
                                reason=reason[:500], effective=effective, diff=unified_diff(old_text, text, rel),
                                digest_before=digest, digest_after=digest_of(new_raw), previous_text=old_text,
                                reverts_id=reverts.id if reverts is not None else None)
        session.add(revision)
        session.commit()
        try:
            write_atomically(path, new_raw)
        except BaseException:
            session.delete(revision)
            session.commit()
            raise
    _refresh_local_store()
    return revision


def file_digest(rules_dir, rel: str) -> str:
    return digest_of((Path(rules_dir) / rel).read_bytes())


def revertible(revision: RuleRevision, current_digest: str, today: dt.date) -> tuple[str, str] | None:
    """Why ``revision`` cannot be reverted now (``(code, message)``), or None. Only the file's latest
    change is undone — the file must be exactly as the revision left it (``current_digest``); step by
    step, since once it is reverted the one before is the latest again — and never one whose dated
    changes are already in force: history is not rewritten."""
    if current_digest != revision.digest_after:
        return "not_latest", "the file has changed since this revision; revert the later revisions first"
    if revision.effective is not None and revision.effective <= today:
        return "in_force", f"its changes are in force since {revision.effective}; make a new change instead"
    return None


def revert(session: Session, user, rules_dir, revision: RuleRevision, digest: str, reason: str,
           today: dt.date) -> RuleRevision:
    """Undo ``revision`` by saving the text it replaced, as a new revision. The revert carries the
    effective date of what it undoes: once that day has come, the revert is history too."""
    refused = revertible(revision, file_digest(rules_dir, revision.file), today)
    if refused is not None:
        raise RuleEditRefused(*refused)
    return save(session, user, rules_dir, revision.file, revision.previous_text, digest, reason,
                effective=revision.effective, reverts=revision, today=today)


@dataclass
class RevertPreview:
    diff: str
    faults: list[Fault]
    impact: Impact | None
    digest: str  # of the file as it is: the save is refused if it moves before the revert is confirmed
    rewrites: list[Rewrite] = field(default_factory=list)


def revert_preview(session: Session, current, rules_dir, revision: RuleRevision, today: dt.date) -> RevertPreview:
    """What reverting ``revision`` would change, whether the result is valid, and its impact."""
    raw = (Path(rules_dir) / revision.file).read_bytes()
    diff = unified_diff(editor_text(raw), revision.previous_text, revision.file)
    proposed, faults = check(rules_dir, revision.file, revision.previous_text)
    if faults:
        return RevertPreview(diff, faults, None, digest_of(raw))
    rewrites = history_rewrites(rules_dir, revision.file, proposed, today)
    if rewrites:
        return RevertPreview(diff, [], None, digest_of(raw), rewrites)
    result = proposal_impact(session, current, rules_dir, revision.file, revision.previous_text,
                             max(revision.effective or today, today), today, proposed)
    return RevertPreview(diff, [], result, digest_of(raw))


def open_file(rules_dir, rel: str) -> RuleFile:
    return RuleFile(Path(rules_dir), rel)


def revisions(session: Session, files: list[str], limit: int = 200) -> list[RuleRevision]:
    if not files:
        return []
    return list(session.scalars(select(RuleRevision).where(RuleRevision.file.in_(files))
                                .options(joinedload(RuleRevision.user))
                                .order_by(RuleRevision.id.desc()).limit(limit)))


def _refresh_local_store() -> None:
    """The saving worker serves the new rules at once (the others within their check interval)."""
    from flask import current_app, has_app_context

    if has_app_context():
        store = current_app.extensions.get("tempaid_rules")
        if store is not None:
            store.refresh_if_changed(force=True)
