"""The rules a case's verdict was computed with, as they read then — for its documents and its page.

A verdict stores the ``file:line`` of every value it applied and the digest of the whole rule set, but
rule files move on: a save in the editor shifts lines and changes values, and a decision document must
still cite the clause and the figure the decision stood on (书面告知并说明理由). The editor keeps each
file's previous text with every save (:class:`app.models.RuleRevision`), so the text in force at a moment
is the ``previous_text`` of the first save after it, or the file on disk when none came since. The rule
set rebuilt from those texts is trusted only when its digest is the case's own; otherwise (a file changed
outside the editor) the current rules stand, as before. The acting user plays no part: this reads only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Case, RuleRevision
from app.rules import RuleSet
from app.rules.clauses import clause_at
from app.rules.loader import check_directory


@dataclass
class RulesAsDecided:
    """A rule set and the texts that differ from the files on disk (``{relpath: text}``)."""

    rules: RuleSet
    texts: dict = field(default_factory=dict)

    def clause(self, source: str | None) -> str:
        """The clause the value at ``source`` stood under in the text the verdict read."""
        return clause_at(self.rules.rules_dir, source, self.texts)


def verdict_moment(session: Session, case: Case) -> dt.datetime:
    """When the stored verdict was computed: its last re-evaluation, else the intake."""
    last = session.scalar(select(func.max(AuditEntry.at)).where(
        AuditEntry.target == "aid_case", AuditEntry.target_id == case.id, AuditEntry.action == "reevaluate"))
    return last or case.created_at


def texts_at(session: Session, moment: dt.datetime) -> dict[str, str]:
    """Every rule file saved in the editor since ``moment``, as it read at ``moment`` (one query)."""
    first = (select(RuleRevision.file, func.min(RuleRevision.id).label("id"))
             .where(RuleRevision.at > moment).group_by(RuleRevision.file).subquery())
    rows = session.execute(select(RuleRevision.file, RuleRevision.previous_text)
                           .join(first, RuleRevision.id == first.c.id))
    return {file: text for file, text in rows}


def rules_as_decided(session: Session, case: Case, rules: RuleSet) -> RulesAsDecided:
    """The rule set ``case``'s verdict was computed with (see the module's docstring)."""
    if not case.rules_digest or case.rules_digest == rules.digest:
        return RulesAsDecided(rules)
    texts = texts_at(session, verdict_moment(session, case))
    if not texts:
        return RulesAsDecided(rules)
    then, faults = check_directory(rules.rules_dir, overrides=texts)
    if then is None or faults or then.digest != case.rules_digest:
        return RulesAsDecided(rules)
    return RulesAsDecided(then, texts)


@dataclass(frozen=True)
class Revision:
    """Which save of the county's rule file a verdict read: its number (0: the file as installed) and day."""

    county: str
    number: int
    saved_on: dt.date | None


def revision_of(session: Session, case: Case, rules: RuleSet, zone: dt.tzinfo) -> Revision | None:
    """The county file's revision in force when ``case``'s verdict was computed (``None``: no county file)."""
    county = rules.county(case.county.code)
    if county is None:
        return None
    moment = verdict_moment(session, case)
    number, last = session.execute(select(func.count(RuleRevision.id), func.max(RuleRevision.at)).where(
        RuleRevision.file == county.file, RuleRevision.at <= moment)).one()
    saved_on = None
    if last is not None:
        saved_on = (last if last.tzinfo else last.replace(tzinfo=dt.timezone.utc)).astimezone(zone).date()
    return Revision(case.county.name, number, saved_on)
