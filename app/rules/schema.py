"""The schema of rule files (``spec/rules-format.md``), as marshmallow schemas.

Every key of the format has a field here, and a key no schema defines is a fault ("unknown key"). Any
leaf may be a dated series except the structural ones (``region``, ``extends``, ``categories``,
``bounds``, ``raised``), which describe the file rather than a standard in force.

Keys this project adds to the format (all optional, validated and exposed by
``RuleSet.effective()``; the evaluation output does not use them):

``cases.repeat_warning_days``
    whole number >= 0 — a new case for the same household and cause within this many days of an
    earlier aid triggers a repeat-application warning (State Council 2014: repeat applications for
    the same cause without a new reason are refused).
``reserve_fund.low_balance``
    amount >= 0 (yuan) — a township reserve fund (备用金, 三、(五)) whose balance falls below this
    triggers a low-balance warning.
``charity.claim_return_days``
    whole number >= 1 — days a charity's claim on a referred case may sit without recorded aid before
    the case returns to the referral pool (二、(五)).
``approval.pre_assist_limit``
    amount >= 0 (yuan) — 先行救助 (二、(二)1): the township or the county gives pre-assistance at once,
    up to this amount, whatever approval level the full amount will need; the registration step is where
    the verdict's level applies (config/workflow.yaml ``within: pre_assist_limit``). Jining: the township
    limit.
``categories.<kind>.<code>.name_en``, ``.documents_en``
    text, list of text — the category's name and its one-time checklist (一次性告知) in English, shown
    to users who work in English (the Chinese ``name`` and ``documents`` otherwise; a category without
    them shows its Chinese name). ``documents_en`` lists the same documents in the same order.

``performance.suppress_below``, ``performance.targets.<indicator>``, ``performance.points.<indicator>``
    the 绩效目标表 targets and the small-count threshold (:mod:`app.rules.performance`).

``approval.amount_ceiling``
    amount > 0 (yuan) — no approval or adjustment of one case goes above this, whoever approves and with
    whatever reason: an amount above the verdict's maximum needs a reason and a higher approver, and
    stays within this ceiling (a typed 9,999,999,999.99 is a slip, not a decision).

The 2026 national opinion (``spec/policy-2026.md``) adds four keys the engine reads — all optional,
and where one has no value in force on the application date the 2018 rule applies, never an input
error — and one the application reads:

``eligibility.emergency_residency``
    list of ``local_hukou``, ``residence_permit``, ``none`` — who may receive emergency aid (急难发生地
    实施救助); without a value in force, ``eligibility.residency`` applies.
``aid.quick_cap_dibao_months``
    number >= 0 — 小额快救: a light emergency's maximum in months of the urban dibao standard; the
    city's ``bounds`` may hold it, a county may never raise it.
``approval.quick_days``
    whole number >= 0 — 小额快救 handled within this many calendar days of the report.
``eligibility.expenditure.recognised_months``
    whole number >= 0 — a dibao / 低保边缘 / 刚性支出 household recognised at most this many months
    before the application is not checked again for income and assets.
``cases.posting_working_days``
    whole number >= 0 — the 公示 period before a ``public_posting_before_aid`` case may be approved
    (not read by the engine).

Decision documents and open publication (issue 15) add two sections the application reads:

``documents.office_name``
    text — the county office that signs its decisions (济宁市任城区民政局); without it a document names
    the county followed by 民政局 (the template's default, config/documents/).
``documents.review_days``
    whole number >= 1 — a refusal notice tells the applicant they may apply for administrative review
    (行政复议) within this many days of receiving it (行政复议法 第二十条: 60).
``documents.litigation_months``
    whole number >= 1 — and may sue (行政诉讼) within this many months (行政诉讼法 第四十六条: 6).
``documents.review_body``, ``documents.court``
    text — where the review is applied for and the court the suit goes to, as the notice names them.
``documents.delivery_days``
    whole number >= 1 — a decision (approval or refusal) not recorded as delivered (送达) this many
    calendar days after it was made shows in the due lists.
``disclosure.working_days``
    whole number >= 0 — a month's county disclosure list (公示, 基层政务公开标准目录) is posted within this
    many working days after the month's end (Jining 10).
Leads (急难线索, 三、(一)(二)) add one key the lead inbox reads (not the engine):

``leads.first_contact_hours.urgent``, ``.ordinary``
    whole number >= 1 — the township makes first contact with a reported hardship within this many hours
    of the report, by the severity the reporter gave; the clock is fixed when the lead is reported.
    Jining: 24 hours for an emergency (二、(二)1).

Values of ``bounds`` may be ``null`` on either side for an open bound (``[null, 3000]``).
Key paths in faults are dotted; table rows and list items are written ``[n]``, numbered from 1.
"""
from __future__ import annotations

import re

from marshmallow import EXCLUDE, Schema, ValidationError, post_load, validates_schema

from app.rules.faults import Fault, Problem, describe
from app.rules.fields import CURRENT_FILE, Amount, Code, Count, Flag, Section, Text, TextList, TierTable
from app.rules.keyed_fields import CATEGORY_KINDS, RAISABLE, Bounds, Categories, Raised
from app.rules.yamlsource import key_pos, node_pos

RESIDENCY = ("local_hukou", "residence_permit")
EMERGENCY_RESIDENCY = RESIDENCY + ("none",)
TIER_NAME = re.compile(r"[a-z][a-z0-9_]*_tiers")

#: Leaves every county's effective rules (city merged with county) must give.
REQUIRED_LEAVES = (
    "standards.dibao_monthly.urban",
    "standards.dibao_monthly.rural",
    "standards.disposable_income_prior_year.urban",
    "standards.disposable_income_prior_year.rural",
    "eligibility.residency",
    "eligibility.expenditure.net_income_months",
    "eligibility.expenditure.income_months",
    "eligibility.expenditure.assets.financial_per_capita_max_dibao_months",
    "eligibility.expenditure.assets.max_houses",
    "eligibility.expenditure.assets.max_vehicles",
    "aid.emergency_light_cap",
    "aid.illness_tiers",
    "aid.education_tiers",
    "aid.cap_at_cost",
    "approval.township_limit",
    "approval.emergency_pre_assist_hours",
    "approval.emergency_registration_working_days",
    "approval.expenditure_working_days",
)

#: The 2026 opinion's keys the engine reads: where one has no value in force, the 2018 rule applies.
OPINION_2026_KEYS = (
    "eligibility.emergency_residency",
    "aid.quick_cap_dibao_months",
    "approval.quick_days",
    "eligibility.expenditure.recognised_months",
)

#: Numeric leaves a ``bounds`` entry may name (besides ``aid.<name>_tiers.multiplier`` / ``.from``).
NUMERIC_LEAVES = frozenset(REQUIRED_LEAVES) - {"eligibility.residency", "aid.illness_tiers",
                                               "aid.education_tiers", "aid.cap_at_cost"} | {
    "cases.repeat_warning_days", "reserve_fund.low_balance", "charity.claim_return_days",
    "approval.pre_assist_limit", "approval.amount_ceiling",
    "aid.quick_cap_dibao_months", "approval.quick_days", "eligibility.expenditure.recognised_months",
    "cases.posting_working_days",
    "documents.review_days", "documents.litigation_months", "documents.delivery_days", "disclosure.working_days",
    "leads.first_contact_hours.urgent", "leads.first_contact_hours.ordinary"}

#: Sections the county merges over the city (everything but the file's own description).
MERGED_SECTIONS = ("standards", "eligibility", "aid", "approval", "categories", "cases", "reserve_fund", "charity",
                   "documents", "disclosure", "performance", "leads")


class RuleSchema(Schema):
    """Base: keys the schema does not define are faults at the key, naming what is allowed."""

    class Meta:
        unknown = EXCLUDE

    #: Keys that belong elsewhere, with what to say instead of the list of allowed keys.
    misplaced: dict = {}

    def extra_key(self, key) -> bool:
        """Keys a subclass accepts beyond its declared fields."""
        return False

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _no_unknown_keys(self, data, original, **kwargs):
        problems = []
        for key in original:
            if key in self.fields or self.extra_key(key):
                continue
            line, column = key_pos(original, key)
            expected = self.misplaced.get(key) or f"one of: {', '.join(self.fields)}"
            problems.append(Problem(line, column, str(key), f"unknown key {describe(key)}", expected))
        if problems:
            raise ValidationError(problems)


class AreaAmountSchema(RuleSchema):
    urban = Amount()
    rural = Amount()


class StandardsSchema(RuleSchema):
    dibao_monthly = Section(AreaAmountSchema)
    disposable_income_prior_year = Section(AreaAmountSchema)


class AssetsSchema(RuleSchema):
    financial_per_capita_max_dibao_months = Amount()
    max_houses = Count(0)
    max_vehicles = Count(0)


class ExpenditureSchema(RuleSchema):
    net_income_months = Count(1)
    income_months = Count(1)
    assets = Section(AssetsSchema)
    recognised_months = Count(0)


class EligibilitySchema(RuleSchema):
    residency = TextList(choices=RESIDENCY, non_empty=True)
    expenditure = Section(ExpenditureSchema)
    emergency_residency = TextList(choices=EMERGENCY_RESIDENCY, non_empty=True)


class AidSchema(RuleSchema):
    """``aid``: the named keys, plus any number of further tier tables ``<name>_tiers``."""

    emergency_light_cap = Amount()
    illness_tiers = TierTable()
    education_tiers = TierTable()
    cap_at_cost = Flag()
    quick_cap_dibao_months = Amount()

    def extra_key(self, key) -> bool:
        return isinstance(key, str) and bool(TIER_NAME.fullmatch(key))

    def _extra_tables(self, original):
        for key in original:
            if key not in self.fields and self.extra_key(key):
                yield key

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_extra_tables(self, data, original, **kwargs):
        errors = {}
        for key in self._extra_tables(original):
            try:
                _EXTRA_TABLE.deserialize(original[key], key, original)
            except ValidationError as exc:
                errors[key] = exc.messages
        if errors:
            raise ValidationError(errors)

    @post_load(pass_original=True)
    def _add_extra_tables(self, data, original, **kwargs):
        for key in self._extra_tables(original):
            data[key] = _EXTRA_TABLE.deserialize(original[key], key, original)
        return data


_EXTRA_TABLE = TierTable()  # not a class attribute: marshmallow would take it for a declared key


class ApprovalSchema(RuleSchema):
    township_limit = Amount()
    emergency_pre_assist_hours = Count(1)
    emergency_registration_working_days = Count(1)
    expenditure_working_days = Count(1)
    amount_ceiling = Amount()  # project key (module docstring)
    pre_assist_limit = Amount()  # project key (module docstring)
    quick_days = Count(0)


class CasesSchema(RuleSchema):
    # a repeat is looked for within a year at most: the dashboards' summary re-counts a household's later
    # cases that far when an earlier one changes (app/services/summary_marks.py LOOK_BACK)
    repeat_warning_days = Count(0, maximum=366)
    posting_working_days = Count(0)


class LeadHoursSchema(RuleSchema):
    urgent = Count(1)
    ordinary = Count(1)


class LeadsSchema(RuleSchema):
    first_contact_hours = Section(LeadHoursSchema)


class ReserveFundSchema(RuleSchema):
    low_balance = Amount()


class CharitySchema(RuleSchema):
    claim_return_days = Count(1)


class DocumentsSchema(RuleSchema):
    """Decision documents (module docstring): who signs, the applicant's rights, the delivery clock."""

    office_name = Text()
    review_days = Count(1)
    litigation_months = Count(1)
    review_body = Text()
    court = Text()
    delivery_days = Count(1)


class DisclosureSchema(RuleSchema):
    working_days = Count(0)


class RegionSchema(RuleSchema):
    code = Code(dated=False, required=True)
    name = Text(dated=False, required=True)


class CategorySchema(RuleSchema):
    """One category; ``name`` is required of the effective (merged) category, not of every file."""

    name = Text(dated=False)
    name_en = Text(dated=False)  # project key (module docstring)
    documents = TextList(dated=False)
    documents_en = TextList(dated=False)  # project key (module docstring)
    tiers = Text(dated=False, pattern=TIER_NAME.pattern, expected="the name of a tier table <name>_tiers under aid")


from app.rules.performance import performance_schema  # noqa: E402  (it builds on RuleSchema above)

PerformanceSchema = performance_schema()


class _RulesBody(RuleSchema):
    region = Section(RegionSchema, required=True)
    standards = Section(StandardsSchema)
    eligibility = Section(EligibilitySchema)
    aid = Section(AidSchema)
    approval = Section(ApprovalSchema)
    categories = Categories(CategorySchema)
    cases = Section(CasesSchema)
    reserve_fund = Section(ReserveFundSchema)
    charity = Section(CharitySchema)
    documents = Section(DocumentsSchema)
    disclosure = Section(DisclosureSchema)
    performance = Section(PerformanceSchema)  # project key: app/rules/performance.py
    leads = Section(LeadsSchema)


class CitySchema(_RulesBody):
    """The city file: defaults for every county, and the ``bounds`` counties must keep."""

    bounds = Bounds(NUMERIC_LEAVES)

    misplaced = {"extends": "no extends in the city file (only county files extend it)",
                 "raised": "raised only in county files (the city sets bounds)"}


class CountySchema(_RulesBody):
    """A county file: ``extends`` the city, overrides what differs, may ``raise`` tier multipliers."""

    extends = Text(dated=False, required=True, expected="the stem of the city file (e.g. jining)")
    raised = Raised()

    misplaced = {"bounds": "bounds only in the city file (a county keeps them, or raises a tier multiplier)"}


_SCHEMAS: dict = {}


def _schema(cls):
    if cls not in _SCHEMAS:
        _SCHEMAS[cls] = cls()
    return _SCHEMAS[cls]


def collect(messages, path: str, file: str, out: list[Fault]) -> None:
    """Flatten a marshmallow error structure into faults; dict keys build the key path."""
    if isinstance(messages, dict):
        for key, sub in messages.items():
            collect(sub, path if key == "_schema" else (f"{path}.{key}" if path else str(key)), file, out)
    elif isinstance(messages, list):
        for item in messages:
            collect(item, path, file, out)
    elif isinstance(messages, Problem):
        out.append(messages.fault(file, path))
    else:  # a marshmallow message this module did not foresee: still a fault, never lost
        out.append(Fault(file, 1, 1, path or "(file)", str(messages), "a valid value"))


def check_document(data, role: str, file: str):
    """Validate one parsed rule file (``role`` is ``city`` or ``county``). Returns ``(tree, faults)``."""
    if not isinstance(data, dict):
        line, column = node_pos(data)
        return None, [Fault(file, line + 1, column + 1, "(file)", describe(data) if data is not None else "an empty file",
                            "a mapping of rule keys")]
    schema = _schema(CitySchema if role == "city" else CountySchema)
    token = CURRENT_FILE.set(file)
    try:
        return schema.load(data), []
    except ValidationError as exc:
        faults: list[Fault] = []
        collect(exc.messages, "", file, faults)
        return None, faults
    finally:
        CURRENT_FILE.reset(token)


__all__ = ["check_document", "collect", "RuleSchema", "REQUIRED_LEAVES", "MERGED_SECTIONS", "CATEGORY_KINDS",
           "RAISABLE", "TIER_NAME"]
