"""Arranging what a test needs before the user acts: households written straight into the live
server's database (the path under test is what the user then does in the browser)."""
from __future__ import annotations

import itertools
import re
from types import SimpleNamespace

from app.idnumber import check_digit

NAMES = itertools.cycle(["周建国", "吴秀英", "郑海燕", "冯志强", "陈玉兰", "褚卫东", "卫春梅", "蒋永胜",
                         "沈桂芳", "韩德明", "杨小红", "朱宏伟", "秦淑珍", "尤振华", "许丽娟", "何国庆"])
_SERIAL = itertools.count(1)

#: twelve months of income and six of necessary expenses that pass the expenditure tests in 任城区
INCOMES = ["300"] * 12
EXPENSES = ["100"] * 6


def new_id_number(county: str = "370811") -> str:
    """A valid resident ID number no other test uses (born 1977, serial counted per session)."""
    body = f"{county}19770101{next(_SERIAL):03d}"
    return body + check_digit(body)


def new_household(server, county: str = "370811", **fields) -> SimpleNamespace:
    """A household of the county's first township (where its township users work)."""
    from tests.support import make_household

    with server.app.app_context():
        session = server.app.appbuilder.session
        id_number = new_id_number(county)
        fields.setdefault("bank_name", "济宁农商银行")
        fields.setdefault("bank_account", "6231" + id_number[4:16])
        row = make_household(session, county, id_number=id_number, head_name=next(NAMES), **fields)
        session.commit()
        return SimpleNamespace(id=row.id, id_number=row.id_number, head_name=row.head_name,
                               township=row.township.name, bank_account=row.bank_account)


def category_codes(server, county: str) -> tuple[str, ...]:
    """The category codes of the county: the editor's 代码 column shows them, as the key a rule
    administrator gives a new category (the one place a code is what the user works with)."""
    with server.app.app_context():
        from app.services.rules import current_rules

        return tuple(sorted({c.code for c in current_rules().categories(county)}, key=len, reverse=True))


REVIEWED = (("township_caseworker", "accept", {}),
            ("township_caseworker", "investigate", {"note": "入户调查"}),
            ("county_reviewer", "review", {"note": "审核"}))


def approved_case(server, county: str = "370811", amount: str = "2000") -> SimpleNamespace:
    """An expenditure case of a new household, taken in, investigated, reviewed and approved today
    through the services (what the expenditure flow test does on the screen)."""
    return _case_through(server, county, amount, steps=REVIEWED + (("township_approver", "approve", {"amount": amount}),))


def _case_through(server, county: str, cost: str, steps) -> SimpleNamespace:
    import datetime as dt

    from app.models import Household
    from app.rules.inputs import CST
    from app.services.intake import intake
    from app.services.rules import current_rules
    from app.services.workflow import take

    household = new_household(server, county)
    with server.app.app_context():
        session, sm = server.app.appbuilder.session, server.app.appbuilder.sm
        rules = current_rules()
        figures = {"kind": "expenditure", "category": "illness:uremia", "cost": cost,
                   "application_date": dt.datetime.now(CST).date().isoformat(),
                   "household": {"monthly_income": INCOMES, "monthly_necessary_expenses": EXPENSES,
                                 "financial_assets": "1000", "houses": 1, "vehicles": 0}}
        case = intake(session, session.get(Household, household.id), figures,
                      sm.find_user(username=f"township_caseworker_{county}"), rules)
        for role, name, fields in steps:
            take(session, case, name, sm.find_user(username=f"{role}_{county}"), fields, rules)
        session.commit()
        return SimpleNamespace(id=case.id, number=case.number, household=household, url=f"/caseview/show/{case.id}",
                               level=case.approval_level)

def case_number(server, case_url: str) -> str:
    """The number of the case whose page is ``case_url`` (``/caseview/show/<id>``)."""
    from app.models import Case

    with server.app.app_context():
        case_id = int(re.search(r"/caseview/show/(\d+)", case_url).group(1))
        return server.app.appbuilder.session.get(Case, case_id).number


def taken_in_case(server, county: str = "370811", cost: str = "2000") -> SimpleNamespace:
    """An expenditure case of a new household, just taken in (waiting for 受理)."""
    return _case_through(server, county, cost, steps=())


def reviewed_case(server, county: str = "370811", cost: str = "2000") -> SimpleNamespace:
    """An expenditure case accepted, investigated and reviewed: waiting for its decision."""
    return _case_through(server, county, cost, steps=REVIEWED)
