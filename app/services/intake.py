"""一门受理: one intake for every kind of case.

The caseworker picks the household and enters the figures; the engine's verdict is shown before saving
(:func:`preview`) and stored with the case (:func:`intake`) together with the digest of the rules used.
Repeat protection: one open case per household and category (also a unique index), and a warning when
the household was helped for the same cause within the county's ``cases.repeat_warning_days``.
"""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, Household
from app.models.audit import utcnow
from app.rules import InputError, RuleSet, evaluate
from app.rules.inputs import CST
from app.security.scope import in_scope
from app.services.audit import acting
from app.services.deadlines import open_deadline
from app.services.workflow_def import workflow

HOUSEHOLD_FIGURES = ("monthly_income", "monthly_necessary_expenses", "financial_assets", "houses", "vehicles")


class IntakeRefused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def recognised_on(household: Household, application_date: dt.date | None) -> dt.date | None:
    """The day the household's dibao / 低保边缘 / 刚性支出 status was recognised (认定), for the engine: of the
    statuses it holds, the latest recognition on or before the application date (its income and assets
    were last checked then); if every one is later, the earliest, which the engine reports as an error."""
    days = [day for held, day in ((household.dibao, household.dibao_recognised_on),
                                  (household.dibao_edge, household.dibao_edge_recognised_on),
                                  (household.rigid_expense, household.rigid_expense_recognised_on))
            if held and day is not None]
    if not days:
        return None
    before = [day for day in days if application_date is None or day <= application_date]
    return max(before) if before else min(days)


def _application_date(figures: dict) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(figures.get("application_date")))
    except ValueError:
        return None


def engine_input(household: Household, figures: dict) -> dict:
    """The engine's input: what the stored household says, and the figures of this application (an
    object, with ``household`` an object too, or an input error on that field). The 2026 statuses
    (低保边缘, 刚性支出, the day of recognition) are given when the household holds them, so an application
    of a household without them reads exactly as before."""
    if not isinstance(figures, dict):
        raise InputError("figures", "must be an object of the application's figures")
    if not isinstance(figures.get("household") or {}, dict):
        raise InputError("household", "must be an object of the household's figures")
    data = {key: value for key, value in figures.items() if key != "household" and value not in (None, "")}
    data.update(county=household.county.code, residency=household.residency, area=household.area)
    data["household"] = {"size": household.size, "dibao": household.dibao, "tekun": household.tekun,
                         **{k: v for k, v in (figures.get("household") or {}).items()
                            if k in HOUSEHOLD_FIGURES and v not in (None, "")}}
    for status in ("dibao_edge", "rigid_expense"):
        if getattr(household, status):
            data["household"][status] = True
    recognised = recognised_on(household, _application_date(figures))
    if recognised is not None:
        data["household"]["recognised_on"] = recognised.isoformat()
    return data


#: the engine's date and time fields that record what already happened, so none lies after now
PAST_DATES = ("application_date", "accepted_on", "pre_assisted_on")
PAST_TIMES = ("reported_at",)


def not_in_future(figures: dict, now: dt.datetime | None = None) -> None:
    """An application, its acceptance, a report or a pre-assistance is never dated after now (China time):
    a typed 2999-12-31 would open deadlines nobody meets. One check here, so screens, API and every other
    door refuse alike (an InputError on the field; what is no date at all the engine names)."""
    if not isinstance(figures, dict):
        return  # engine_input names it
    now = (now or utcnow()).astimezone(CST)
    for name in PAST_DATES:
        try:
            day = dt.date.fromisoformat(str(figures[name]))
        except (KeyError, ValueError):
            continue
        if day > now.date():
            raise InputError(name, f"must not lie in the future (found {day.isoformat()})")
    for name in PAST_TIMES:
        try:
            moment = dt.datetime.fromisoformat(str(figures[name]))
        except (KeyError, ValueError):
            continue
        if (moment if moment.tzinfo else moment.replace(tzinfo=CST)) > now:
            raise InputError(name, f"must not lie in the future (found {figures[name]})")


def preview(household: Household, figures: dict, rules: RuleSet, now: dt.datetime | None = None) -> dict:
    """The verdict this application would get, without saving anything (raises InputError)."""
    not_in_future(figures, now)
    return evaluate(engine_input(household, figures), rules)


def money_in_fen(value) -> Decimal:
    """Amounts are stored and compared in fen, rounded half-up (the verdict keeps the exact figure)."""
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _money(value) -> Decimal | None:
    return None if value is None else money_in_fen(value)


def apply_verdict(case: Case, data: dict, verdict: dict, digest: str) -> None:
    amount = verdict["amount"] or {}
    case.inputs, case.verdict, case.rules_digest = data, verdict, digest
    case.eligible = verdict["eligible"]
    case.approval_level = verdict["approval_level"]
    case.suggested_amount = _money(amount.get("suggested"))
    case.maximum_amount = _money(amount.get("maximum"))
    case.warnings = list(verdict["warnings"])


def _repeat_warnings(session: Session, household: Household, category: str, days: int | None,
                     today: dt.date) -> list[str]:
    open_case = session.scalar(select(Case).where(
        Case.household_id == household.id, Case.category == category, Case.state.not_in(("closed", "rejected"))))
    if open_case is not None:
        raise IntakeRefused("open_case_exists",
                            f"household already has open case {open_case.number} for {category}")
    if not days:
        return []
    since = dt.datetime.combine(today - dt.timedelta(days=days), dt.time.min, dt.timezone.utc)
    helped = session.scalars(select(Case.number).where(
        Case.household_id == household.id, Case.category == category, Case.approved_amount.is_not(None),
        Case.decided_at >= since)).all()
    return [f"repeat_within_days:{days}:{number}" for number in helped]


def intake(session: Session, household: Household, figures: dict, user, rules: RuleSet,
           now: dt.datetime | None = None, incident: dict | None = None, helped_in=None,
           judged_as: Household | None = None) -> Case:
    """Take in one application: evaluate, guard against repeats, open its deadlines, save. ``incident``:
    what happened where (``incident_place``, ``incident``), recorded with the case.

    ``helped_in`` / ``judged_as`` (急难发生地实施救助, :mod:`app.services.passing`): a person passing through
    who has a household in another county of the city is helped by the township ``helped_in`` on the case,
    which points to that household (never moved or duplicated), and judged as the person passing through
    ``judged_as`` says (their residency here, one person), as everyone passing through is judged."""
    if helped_in is None and not in_scope(household, user):
        raise IntakeRefused("scope", "household outside your jurisdiction")
    not_in_future(figures, now)
    county, township = (helped_in.parent, helped_in) if helped_in is not None else (household.county,
                                                                                    household.township)
    data = engine_input(judged_as or household, figures)
    verdict = evaluate(data, rules)
    application_date = dt.date.fromisoformat(verdict["as_of"])
    days = rules.effective(county.code, application_date).get("cases", {}) \
        .get("repeat_warning_days", {}).get("value")
    warnings = _repeat_warnings(session, household, verdict["category"], days and int(days), application_date)
    flow = workflow().flow_for(verdict["kind"], data.get("severity"), verdict.get("notes", ()))
    case = Case(
        number=f"{county.code}{application_date:%Y%m%d}{secrets.token_hex(3).upper()}",
        household=household, county=county, township=township,
        kind=verdict["kind"], category=verdict["category"], severity=data.get("severity"), flow=flow.name,
        state=flow.initial, application_date=application_date, created_by_id=user.id, created_at=utcnow(),
        deadlines={}, **{k: v for k, v in (incident or {}).items() if k in ("incident_place", "incident")},
    )
    apply_verdict(case, data, verdict, rules.digest)
    case.warnings = case.warnings + warnings
    for name in flow.deadlines:
        open_deadline(case, name, verdict["deadlines"][name])
    session.add(case)
    with acting(session, user.id, "intake"):
        session.flush()
    return case
