"""Seed a benchmark database with many cases, fast: generated SQL on PostgreSQL
(``INSERT … SELECT … FROM generate_series``, one statement per table, 1,000,000 cases in about a minute),
ORM bulk inserts on SQLite (small sizes only).

Every row is a valid case, numbered as intake numbers them (county code, application date, six hex
digits): a household in a real township of the city's regions, one of four categories
per household (so the one-open-case-per-category rule holds), a due time spread from three months overdue
to half a year ahead, a state among submitted / accepted / reviewed / closed. Townships get equal shares,
so a county holds about 1/11 of the city and a township about 1/150.
"""
from __future__ import annotations

import datetime as dt
import json
import random

from sqlalchemy import func, insert, select, text

CASES_PER_HOUSEHOLD = 4

_PG_TOWNS = """
CREATE TEMP TABLE bench_town ON COMMIT DROP AS
SELECT (row_number() OVER (ORDER BY id)) - 1 AS idx, id, parent_id FROM region WHERE level = 'township'
"""

_PG_HOUSEHOLDS = """
INSERT INTO household (id, id_number, head_name, township_id, county_id, area, residency, size, dibao, tekun,
                       dibao_edge, rigid_expense, passing_through, created_at)
SELECT h, lpad(h::text, 17, '0') || 'X', '户主' || h, t.id, t.parent_id, 'urban', 'local_hukou', 1 + h % 5,
       false, false, false, false, false, now()
FROM generate_series(1, :households) AS h
JOIN bench_town t ON t.idx = h % (SELECT count(*) FROM bench_town)
"""

_PG_CASES = """
INSERT INTO aid_case (number, household_id, county_id, township_id, kind, category, flow, state,
                      application_date, inputs, verdict, rules_digest, eligible, approval_level,
                      suggested_amount, maximum_amount, deadlines, due_at, warnings, created_by_id, created_at)
SELECT c.code || to_char(DATE '2026-01-01' + (i % 330), 'YYYYMMDD') || upper(lpad(to_hex(i), 6, '0')), hh.id, hh.county_id, hh.township_id, 'expenditure',
       'illness:c' || (i / :households), 'expenditure',
       (ARRAY['submitted', 'accepted', 'reviewed', 'closed'])[1 + (i::bigint * 7) % 4],
       DATE '2026-01-01' + (i % 330), CAST(:inputs AS json), CAST(:verdict AS json), :digest, true, 'township',
       1000, 1000, CAST(:deadlines AS json), now() + make_interval(hours => ((i::bigint * 7919) % 6000)::int - 2000),
       CAST(:warnings AS json),
       :creator, now()
FROM generate_series(0, :cases - 1) AS i
JOIN household hh ON hh.id = 1 + i % :households
JOIN region c ON c.id = hh.county_id
"""



def model_case(app):
    """One case taken in through the intake service (the engine's real verdict, deadlines and inputs): the
    seeded cases carry copies of its JSON, so their pages render as a real case's would."""
    from app.rules import load_rules
    from tests.services.test_workflow import CASES
    from tests.support import make_household

    from app.services.intake import intake

    session = app.appbuilder.session
    caseworker = app.appbuilder.sm.find_user(username="township_caseworker_370811")
    rules = load_rules(app.config["RULES_DIR"])
    case = intake(session, make_household(session, "370811"), CASES[0]["figures"], caseworker, rules)
    session.commit()
    return case


def seed(app, count: int) -> bool:
    """Fill the database with ``count`` cases unless it holds that many already; True if it seeded."""
    from app.models import Case

    session = app.appbuilder.session
    if session.scalar(select(func.count()).select_from(Case)) >= count:
        return False
    creator = app.appbuilder.sm.find_user(username="city_bureau").id
    households = max(1, count // CASES_PER_HOUSEHOLD)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_PG_TOWNS))
        session.execute(text(_PG_HOUSEHOLDS), {"households": households})
        session.execute(text("SELECT setval(pg_get_serial_sequence('household', 'id'), :n)"), {"n": households})
        model = model_case(app)
        copies = {key: json.dumps(getattr(model, key), ensure_ascii=False)
                  for key in ("inputs", "verdict", "deadlines", "warnings")}
        session.execute(text(_PG_CASES), {"households": households, "cases": count - 1, "creator": creator,
                                          "digest": model.rules_digest, **copies})
        session.commit()
        with session.get_bind().connect() as connection:  # fresh statistics, as a running server would have
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE household, aid_case")
    else:
        _seed_orm(session, count, households, creator)
    return True


def _seed_orm(session, count: int, n_households: int, creator: int) -> None:
    from app.idnumber import check_digit
    from app.models import Case, Household, Region

    towns = list(session.scalars(select(Region).where(Region.level == "township").order_by(Region.id)))
    rng = random.Random(7)
    now = dt.datetime.now(dt.timezone.utc)
    households = []
    for i in range(n_households):
        town = towns[(i + 1) % len(towns)]
        body = f"{i + 1:017d}"
        households.append(dict(id=i + 1, id_number=body + check_digit(body), head_name=f"户主{i + 1}",
                               township_id=town.id, county_id=town.parent_id, area="urban",
                               residency="local_hukou", size=1 + i % 5, dibao=False, tekun=False, created_at=now))
    session.execute(insert(Household.__table__), households)
    cases = []
    for i in range(count):
        household = households[i % n_households]
        cases.append(dict(
            number=f"{i:020X}", household_id=household["id"], county_id=household["county_id"],
            township_id=household["township_id"], kind="expenditure", category=f"illness:c{i // n_households}",
            severity=None, flow="expenditure", state=rng.choice(["submitted", "accepted", "reviewed", "closed"]),
            application_date=dt.date(2026, 1, 1), inputs={}, verdict={}, rules_digest="bench",
            eligible=True, approval_level="township", suggested_amount=1000, maximum_amount=1000,
            deadlines={}, due_at=now + dt.timedelta(hours=rng.randint(-2000, 4000)), warnings=[],
            created_by_id=creator, created_at=now))
        if len(cases) == 20000:
            session.execute(insert(Case.__table__), cases)
            cases = []
    if cases:
        session.execute(insert(Case.__table__), cases)
    session.commit()
