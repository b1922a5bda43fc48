"""The case trail as a paper file reads (全部留痕, 二、(五)): when (China time), who (name and post), what was
done (in words), and what changed — each field by its label, before → after, values formatted.

The audit hook records whole rows and raw column values (:mod:`app.services.audit`); this module is the
one place that words them for the case page. Only the fields a reader of the file needs are shown, by the
row they belong to (:data:`FIELDS`); ids, the stored verdict and its inputs, digests and timestamps already
given by the entry's own time stay out. Entries written in one step (a payment, its reserve-fund draw and
the case's new state) are shown as one line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Charity, PaymentBatch, TempaidUser
from app.views import dashboard_labels
from app.web.timefmt import china_time

#: what each action is called in the file, by the row it was written on (then by the action alone: a
#: charity's aid reads the same on the referral and on the project)
ACTIONS = {
    ("referral", "close"): _l("Referral closed by the charity"),
}
ACTION_WORDS = {
    # the case itself
    "intake": _l("Taken in"), "create": _l("Created"), "edit": _l("Changed"), "update": _l("Changed"),
    "delete": _l("Deleted"), "adjust": _l("Amount adjusted"), "reevaluate": _l("Verdict computed again"),
    "accountability": _l("Accountability recorded"),
    # its payments and the township's reserve fund
    "payment": _l("Payment recorded"), "reverse": _l("Payment reversed"),
    "batch": _l("Sent to the bank in a transfer batch"), "draw": _l("Drawn from the reserve fund"),
    "open": _l("Reserve fund opened"), "allocation_county": _l("County allocation to the reserve fund"),
    "allocation_own": _l("Township's own funds put into the reserve fund"),
    # the charities (转介)
    "refer": _l("Referred to the charities"), "claim": _l("Claimed by a charity"),
    "release": _l("Claim given back to the pool"), "withdraw": _l("Referral withdrawn"),
    "return": _l("Returned to the referral pool"), "aid": _l("Charity aid recorded"),
    "budget": _l("Project budget changed"),
}
#: actions whose note the service writes for itself (figures shown as fields already): not repeated
MACHINE_NOTES = {"payment", "aid", "accountability"}
SYSTEM = _l("The system")


@dataclass
class TrailLine:
    at: str
    who: str
    post: str
    action: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)
    note: str = ""


def _zh() -> bool:
    return str(get_locale()).startswith("zh")


def money(value) -> str:
    """An amount in yuan with two decimals and thousands separators (``1,800.00``)."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


def trail_time(value) -> str:
    """A time of the trail in China time (:func:`app.web.timefmt.china_time`); a dash for none."""
    return china_time(value) or "—"


def _date(value) -> str:
    return "—" if value in (None, "") else str(value)[:10]


def _text(value) -> str:
    return "—" if value in (None, "") else str(value)


def _labels():
    """The words of the other screens (imported late: those modules build on the case screens)."""
    from app.views import cases, funds, payments, referrals

    return cases, funds, payments, referrals


def _formatters(case, lookups) -> dict:
    cases, funds, payments, referrals = _labels()

    def words(table):
        return lambda value: "—" if value in (None, "") else str(table.get(value, value))

    def flag(value):
        return "—" if value is None else str(_l("Yes") if value else _l("No"))

    return {
        "money": money, "date": _date, "time": trail_time, "text": _text, "flag": flag,
        "int": _text, "state": lambda v: "—" if v is None else cases.state_label(v),
        "kind": words(cases.KIND_LABELS), "level": words(cases.LEVEL_LABELS),
        "severity": words(cases.SEVERITY_LABELS),
        "category": lambda v: "—" if not v else cases.category_label(v, case.county.code),
        "method": lambda v: "—" if v is None else payments.method_label(v),
        "referral_state": words(referrals.STATE_LABELS), "aid_kind": words(referrals.KIND_LABELS),
        "fund_kind": words(funds.KIND_LABELS),
        "charity": lambda v: "—" if v is None else lookups["charity"].get(v, "—"),
        "batch": lambda v: "—" if v is None else lookups["batch"].get(v, "—"),
        "cause": words(dashboard_labels.CAUSE_LABELS), "clock": words(dashboard_labels.CLOCK_LABELS),
        "subject": words(dashboard_labels.SUBJECT_LABELS),
    }


def _fields():
    """Per row: the fields the file shows, their labels and how their values are written."""
    cases, funds, payments, referrals = _labels()
    c, p, r, a, m = cases.CASE_LABELS, payments.PAYMENT_LABELS, referrals.REFERRAL_LABELS, referrals.AID_LABELS, \
        funds.MOVEMENT_LABELS
    return {
        "aid_case": {"kind": (c["kind"], "kind"), "category": (c["category"], "category"),
                     "severity": (c["severity"], "severity"), "application_date": (c["application_date"], "date"),
                     "eligible": (c["eligible"], "flag"), "approval_level": (c["approval_level"], "level"),
                     "suggested_amount": (c["suggested_amount"], "money"),
                     "maximum_amount": (c["maximum_amount"], "money"),
                     "approved_amount": (c["approved_amount"], "money"), "state": (c["state"], "state")},
        "payment": {"stage": (p["stage"], "int"), "method": (p["method"], "method"), "amount": (p["amount"], "money"),
                    "paid_on": (p["paid_on"], "date"), "items": (p["items"], "text"), "batch_id": (p["batch"], "batch")},
        "case_adjustment": {"after": (c["approved_amount"], "money")},
        "referral": {"need": (r["need"], "text"), "gap_money": (r["gap_money"], "money"),
                     "gap_goods": (r["gap_goods"], "text"), "gap_services": (r["gap_services"], "text"),
                     "state": (r["state"], "referral_state"),
                     "claimed_by_charity_id": (r["claimed_by_charity"], "charity")},
        "aid_record": {"kind": (a["kind"], "aid_kind"), "amount": (a["amount"], "money"),
                       "description": (a["description"], "text")},
        "charity_project": {"budget": (_l("Budget"), "money"), "remaining": (_l("Left in the project"), "money")},
        "fund_movement": {"amount": (m["fund"], "money"), "balance_after": (m["balance_after"], "money")},
        "accountability_record": {"subject": (_l("About"), "subject"), "clock": (_l("Clock"), "clock"),
                                  "cause": (_l("Cause"), "cause"), "note": (_l("Note"), "text")},
    }


def _deadline_changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """Each deadline whose due time or completion changed, by its name."""
    cases = _labels()[0]
    before, after = before or {}, after or {}

    def shown(d):
        if not d:
            return "—"
        due = trail_time(d.get("due"))
        return str(_l("%(due)s, met %(met)s", due=due, met=trail_time(d["met"]))) if d.get("met") else due

    return [(str(cases.DEADLINE_LABELS.get(name, name)), shown(before.get(name)), shown(after.get(name)))
            for name in sorted(set(before) | set(after), key=lambda n: list(after).index(n) if n in after else 99)
            if before.get(name) != after.get(name)]


def _changes(entry: dict, fields: dict, fmt: dict) -> list[tuple[str, str, str]]:
    target, before, after = entry["target"], entry["before"] or {}, entry["after"] or {}
    if target == "case_adjustment":
        label = fields["case_adjustment"]["after"][0]
        return [(str(label), money(after.get("before")), money(after.get("after")))]
    shown = fields.get(target, {})
    out = []
    created = entry["before"] is None
    for key, (label, kind) in shown.items():
        if key not in after and key not in before:
            continue
        old, new = before.get(key), after.get(key)
        if created and new in (None, ""):
            continue
        if not created and old == new:
            continue
        out.append((str(label), "" if created else fmt[kind](old), fmt[kind](new)))
    if target == "aid_case" and (before.get("deadlines") is not None or after.get("deadlines") is not None):
        out.extend(_deadline_changes(before.get("deadlines"), after.get("deadlines")))
    return out


def _action(case, entry: dict) -> str:
    from app.views.cases import transition_label
    from app.services.workflow_def import workflow

    target, action = entry["target"], entry["action"]
    if (target, action) in ACTIONS:
        return str(ACTIONS[(target, action)])
    transition = workflow().flow_of(case).transitions.get(action)
    if transition is not None and target == "aid_case":
        return transition_label(transition)
    if action in ACTION_WORDS:
        return str(ACTION_WORDS[action])
    if transition is not None:
        return transition_label(transition)
    return str(_l("Recorded"))


def _note(entry: dict) -> str:
    note = entry.get("note") or ""
    if not note or entry["action"] in MACHINE_NOTES:
        return ""
    if entry["action"] == "return" and entry["target"] == "referral":  # written by the daily job
        days = re.search(r"\d+", note)
        return str(_l("No aid was recorded within %(days)s days.", days=days.group(0))) if days else ""
    return note


def _people(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each user's name and post (their roles' names from config/roles.yaml), one query."""
    from app.security.roles import declared_roles

    roles = declared_roles()
    zh = _zh()
    found = {}
    for user in session.scalars(select(TempaidUser).where(TempaidUser.id.in_(ids))
                                .options(selectinload(TempaidUser.roles))):
        posts = [(roles[r.name].name_zh if zh else roles[r.name].name_en) if r.name in roles else r.name
                 for r in user.roles]
        name = f"{user.first_name or ''}{user.last_name or ''}" if zh else \
            " ".join(part for part in (user.first_name, user.last_name) if part)
        found[user.id] = (name, "、".join(posts) if zh else ", ".join(posts))
    return found


def _lookups(session: Session, entries: list[dict]) -> dict:
    charity_ids, batch_ids = set(), set()
    for entry in entries:
        for values in (entry["before"] or {}, entry["after"] or {}):
            if entry["target"] == "referral" and values.get("claimed_by_charity_id"):
                charity_ids.add(values["claimed_by_charity_id"])
            if entry["target"] == "payment" and values.get("batch_id"):
                batch_ids.add(values["batch_id"])
    return {
        "charity": dict(session.execute(select(Charity.id, Charity.name).where(Charity.id.in_(charity_ids))).all())
        if charity_ids else {},
        "batch": dict(session.execute(select(PaymentBatch.id, PaymentBatch.number)
                                      .where(PaymentBatch.id.in_(batch_ids))).all()) if batch_ids else {},
    }


def trail_lines(session: Session, case, entries: list[dict]) -> list[TrailLine]:
    """The entries of :func:`app.services.trail.case_trail` as the file's lines, oldest first; entries of one
    step (same time, person, action and note) are one line."""
    people = _people(session, {e["user_id"] for e in entries if e.get("user_id")})
    fields, fmt = _fields(), _formatters(case, _lookups(session, entries))
    lines: list[TrailLine] = []
    last_key = None
    for entry in entries:
        at, note = trail_time(entry["at"]), _note(entry)
        key = (at, entry.get("user_id"), entry["action"])
        changes = _changes(entry, fields, fmt)
        if key == last_key and (not note or note == lines[-1].note):
            lines[-1].changes.extend(c for c in changes if c not in lines[-1].changes)
            continue
        name, post = people.get(entry.get("user_id"), (str(SYSTEM), ""))
        if note and any(note == after for _, _, after in changes):
            note = ""  # the note repeats a value shown already (a batch's number)
        lines.append(TrailLine(at, name, post, _action(case, entry), changes, note))
        last_key = key
    return lines
