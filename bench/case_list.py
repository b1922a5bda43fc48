"""Case list at scale: 200,000 cases; the list filtered to a county, sorted by due date, 25 a page.

Prints the render time of the list page (median of repeated requests, after a warm-up) and the number
of SQL queries per page for 25 and for 100 rows (it must not grow with the page size).

    python bench/case_list.py [--cases 200000] [--database-url URL]

Without --database-url a temporary SQLite file is used; give a PostgreSQL URL to measure there
(the database is emptied first).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def seed(app, count: int) -> None:
    from sqlalchemy import func, insert, select

    from app.idnumber import check_digit
    from app.models import Case, Household, Region

    session = app.appbuilder.session
    if session.scalar(select(func.count()).select_from(Case)) >= count:
        return
    towns = [r for r in session.scalars(select(Region).where(Region.level == "township"))]
    creator = app.appbuilder.sm.find_user(username="city_bureau").id
    rng = random.Random(7)
    households, cases = [], []
    now = dt.datetime.now(dt.timezone.utc)
    n_households = count // 4
    for i in range(n_households):
        town = towns[i % len(towns)]
        body = f"370811{1950 + i % 60}{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"[:17]
        households.append(dict(id=i + 1, id_number=f"{i:017d}"[:17] + check_digit(f"{i:017d}"[:17]),
                               head_name=f"户主{i}", township_id=town.id, county_id=town.parent_id,
                               area="urban", residency="local_hukou", size=1 + i % 5, dibao=False, tekun=False,
                               created_at=now))
        del body
    session.execute(insert(Household.__table__), households)
    verdict = {"eligible": True, "checks": [], "amount": None, "deadlines": {}, "warnings": [], "notes": []}
    for i in range(count):
        household = households[i % n_households]
        due = now + dt.timedelta(hours=rng.randint(-2000, 4000))
        cases.append(dict(
            number=f"B{i:09d}", household_id=household["id"], county_id=household["county_id"],
            township_id=household["township_id"], kind="expenditure", category=f"illness:c{i // n_households}",
            severity=None, flow="expenditure", state=rng.choice(["submitted", "accepted", "reviewed", "closed"]),
            application_date=dt.date(2026, 1, 1), inputs={}, verdict=verdict, rules_digest="bench",
            eligible=True, approval_level="township", suggested_amount=1000, maximum_amount=1000,
            deadlines={}, due_at=due, warnings=[], created_by_id=creator, created_at=now))
        if len(cases) == 20000:
            session.execute(insert(Case.__table__), cases)
            cases = []
    if cases:
        session.execute(insert(Case.__table__), cases)
    session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    instance = tempfile.mkdtemp()
    os.environ["TEMPAID_INSTANCE"] = instance
    url = args.database_url or f"sqlite:///{instance}/bench.db"

    from flask_migrate import upgrade
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db
    from app.security.sync import sync_security
    from app.services.regions import load_regions
    from tests.support import DEMO_PASSWORD_ENV, make_users
    from tests.conftest import _reset_database, login

    if url.startswith("postgres"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
        _reset_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade(revision="heads")
        sync_security()
        load_regions(app.appbuilder.session)
        make_users(app)
        app.appbuilder.session.commit()
        started = time.perf_counter()
        seed(app, args.cases)
        print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")

    client = app.test_client()
    login(client, "county_reviewer_370811", os.environ[DEMO_PASSWORD_ENV])
    queries = []

    def count(*_args, **_kwargs):
        queries.append(1)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    for size in (25, 100):
        url_ = f"/caseview/list/?psize_CaseView={size}&_oc_CaseView=due_at&_od_CaseView=asc"
        client.get(url_)
        queries.clear()
        response = client.get(url_)
        assert response.status_code == 200
        print(f"queries for a page of {size}: {len(queries)}")
    url_ = "/caseview/list/?psize_CaseView=25&_oc_CaseView=due_at&_od_CaseView=asc"
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        response = client.get(url_)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    print(f"case list, county 370811, sorted by due date, 25 a page: median {statistics.median(timings):.0f} ms, "
          f"max {max(timings):.0f} ms over {args.repeat} requests (target < 300 ms)")


if __name__ == "__main__":
    main()
