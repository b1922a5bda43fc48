"""Dashboards at 1,000,000 cases on PostgreSQL: every dashboard of every scope, timed beside a bare list.

Seeds its own database (``tempaid_bench_dash``, emptied first) with INSERT ... SELECT generate_series:
250,000 households, the cases over five years (2022-2026) in every township of the city, their clocks
(on time, late and open), one payment per aided case (bank, cash, in kind), referrals, reserve-fund
movements and accountability records. Then, in one process:

- the summary tables built from nothing (:func:`app.reports.summary.rebuild`), timed;
- the baseline: a bare Flask-AppBuilder list page (the regions list, 25 a page), median of repeats;
- the city's dashboard computed straight from the rows (the reference path, as before the summary);
- the dashboard of the city, of every county and of every township (the service that builds it: the
  figures, the breakdown one level down, by kind, the trend, the 绩效目标表), year to date;
- the city's dashboard while this month is stale in every township (writes since the last refresh);
- the pages a user opens — the landing page, the dashboard page, the Excel export — for the city bureau,
  a county reviewer and a township caseworker, over HTTP;

each printed with its ratio to the baseline; the target is under 1 s each.

    python bench/dashboard.py [--cases 1000000] [--database-url postgresql://postgres@127.0.0.1:5432/tempaid_bench_dash]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/tempaid_bench_dash"
FIRST_DAY = dt.date(2022, 1, 1)
DAYS = 1795  # 2022-01-01 … 2026-11-30

SEED = [
    # townships numbered 0..T-1
    "CREATE TEMP TABLE bench_town AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, id AS township_id, "
    "parent_id AS county_id FROM region WHERE level = 'township'",
    """INSERT INTO household (id, id_number, head_name, township_id, county_id, area, residency, size, dibao, tekun,
        dibao_edge, rigid_expense, passing_through, created_at)
       SELECT g, lpad(g::text, 18, '0'), '户主' || g, t.township_id, t.county_id, 'urban', 'local_hukou', 1 + g % 5,
              false, false, false, false, g % 50 = 0, now()
       FROM generate_series(1, :households) g JOIN bench_town t ON t.n = g % (SELECT count(*) FROM bench_town)""",
    # four cases per household, each of its own category (one open case per household and category)
    """INSERT INTO aid_case (id, number, household_id, county_id, township_id, kind, category, flow, state,
        application_date, inputs, verdict, rules_digest, eligible, approval_level, approved_amount, approved_by_id,
        decided_at, deadlines, warnings, created_by_id, created_at)
       SELECT g, 'B' || g, h.id, h.county_id, h.township_id,
              CASE WHEN g % 3 = 0 THEN 'emergency' ELSE 'expenditure' END, 'illness:c' || (g / :households),
              CASE WHEN g % 3 = 0 THEN 'emergency' ELSE 'expenditure' END,
              (ARRAY['submitted', 'accepted', 'approved', 'paid', 'closed', 'rejected'])[1 + g % 6],
              DATE '2022-01-01' + (g % :days), '{}',
              '{"eligible": true, "approval_level": "township", "amount": {"maximum": "3000"}, "notes": []}',
              'bench', true, 'township',
              CASE WHEN g % 6 IN (2, 3, 4) THEN 500 + g % 2500 END, CASE WHEN g % 6 IN (2, 3, 4) THEN :user END,
              CASE WHEN g % 6 IN (2, 3, 4, 5) THEN (DATE '2022-01-01' + (g % :days) + 10)::timestamptz END,
              '{}', '[]', :user, now()
       FROM generate_series(1, :cases) g JOIN household h ON h.id = 1 + g % :households""",
    # clocks: emergencies have the 24 h and the registration clock, the others the decision clock;
    # one in ten late, one in seven of the undecided open
    """INSERT INTO case_clock (case_id, county_id, township_id, application_date, kind, category, name, due_at, met_at)
       SELECT id, county_id, township_id, application_date, kind, category, 'pre_assist_due', application_date + interval '1 day',
              application_date + CASE WHEN id % 10 = 0 THEN interval '30 hours' ELSE interval '5 hours' END
       FROM aid_case WHERE kind = 'emergency'""",
    """INSERT INTO case_clock (case_id, county_id, township_id, application_date, kind, category, name, due_at, met_at)
       SELECT id, county_id, township_id, application_date, kind, category,
              CASE WHEN kind = 'emergency' THEN 'registration_due' ELSE 'decision_due' END,
              application_date + CASE WHEN kind = 'emergency' THEN interval '7 days' ELSE interval '28 days' END,
              CASE WHEN decided_at IS NULL AND id % 7 = 0 THEN NULL
                   ELSE application_date + make_interval(days => (id % 31)::int) END
       FROM aid_case""",
    # the paid and closed cases are paid in full; an approved case waits for its payment (in the product a full
    # payment takes the pay step at once, so no case stays approved with its whole amount paid)
    """INSERT INTO payment (case_id, household_id, county_id, township_id, stage, method, amount, paid_on, paid_by_id,
        recorded_at)
       SELECT id, household_id, county_id, township_id, 1,
              (ARRAY['bank_transfer', 'bank_transfer', 'cash', 'in_kind'])[1 + id % 4], approved_amount,
              application_date + (id % 20)::int, :user, now()
       FROM aid_case WHERE approved_amount IS NOT NULL AND state IN ('paid', 'closed')""",
    """INSERT INTO referral (case_id, household_id, county_id, township_id, category, category_kind, need, state,
        referred_by_id, referred_at, claimed_at, closed_at)
       SELECT id, household_id, county_id, township_id, category, 'illness', '需求', 'closed', :user,
              application_date + interval '3 days', application_date + interval '5 days',
              application_date + interval '20 days'
       FROM aid_case WHERE id % 20 = 0""",
    """INSERT INTO reserve_fund (township_id, county_id, balance, created_at)
       SELECT township_id, county_id, 50000, now() FROM bench_town""",
    """INSERT INTO fund_movement (fund_id, county_id, township_id, kind, amount, balance_after, reason, user_id, at)
       SELECT f.id, f.county_id, f.township_id, 'allocation_county', 20000, 50000, '拨付', :user,
              (DATE '2022-01-01' + m * 30)::timestamptz
       FROM reserve_fund f CROSS JOIN generate_series(0, 59) m""",
    """INSERT INTO accountability_record (case_id, county_id, township_id, subject, clock, cause, note, user_id, at)
       SELECT case_id, county_id, township_id, 'overdue', name,
              (ARRAY['deliberate', 'objective', 'innovation'])[1 + case_id % 3], '说明', :user, due_at + interval '2 days'
       FROM case_clock WHERE met_at > due_at AND case_id % 10 = 0""",
    "ANALYZE",
]


USERS = ("city_bureau", "county_reviewer_370811", "township_caseworker_370811")


def _seeded(app) -> int:
    from sqlalchemy import func, select

    from app.models import Case

    return app.appbuilder.session.scalar(select(func.count(Case.id)))


def _current_indexes(app) -> None:
    """A reused database gets the indexes the models declare now (added since it was seeded)."""
    from flask_appbuilder import Model

    from app.extensions import db

    for table in Model.metadata.sorted_tables:
        for index in table.indexes:
            index.create(db.engine, checkfirst=True)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def ensure_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    base, name = url.rsplit("/", 1)
    engine = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def seed(app, cases: int) -> None:
    from sqlalchemy import text

    session = app.appbuilder.session
    params = {"cases": cases, "households": max(cases // 4, 1), "days": DAYS,
              "user": app.appbuilder.sm.find_user(username="city_bureau").id}
    for statement in SEED:
        session.execute(text(statement), {k: v for k, v in params.items() if f":{k}" in statement})
    session.commit()


def median_ms(call, repeat: int) -> float:
    call()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded by an earlier run")
    args = parser.parse_args()
    os.environ["TEMPAID_INSTANCE"] = tempfile.mkdtemp()
    url = "postgresql+psycopg://" + args.database_url.split("://", 1)[1]

    from flask_migrate import upgrade
    from sqlalchemy import select

    from app import create_app
    from app.models import Region
    from app.reports.area import Area, year_to_date
    from app.reports.dashboard import build
    from app.reports.grain import collect
    from app.reports.indicators import roll_up
    from app.models.summary import DashboardStale
    from sqlalchemy import insert
    from app.security.sync import sync_security
    from app.services.regions import load_regions
    from app.services.rules import current_rules
    from app.services.deadlines import china_today as today
    from tests.conftest import _reset_database, login
    from tests.support import DEMO_PASSWORD_ENV, make_users

    ensure_database(args.database_url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        if args.reuse and _seeded(app) >= args.cases:
            print(f"reusing the {_seeded(app):,} cases seeded before")
            upgrade(revision="heads")  # tables added since it was seeded (the summary's)
            _current_indexes(app)
            os.environ.setdefault(DEMO_PASSWORD_ENV, secrets.token_urlsafe(12))
            for name in USERS + ("city_bureau",):  # a new password for this run, as a fresh seed gets
                app.appbuilder.sm.reset_password(app.appbuilder.sm.find_user(username=name).id,
                                                 os.environ[DEMO_PASSWORD_ENV])
        else:
            _reset_database(url)
            upgrade(revision="heads")
            sync_security()
            load_regions(app.appbuilder.session)
            make_users(app)
            app.appbuilder.session.commit()
            started = time.perf_counter()
            seed(app, args.cases)
            print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.0f} s (PostgreSQL)")
        from app.models.summary import DashboardCell
        from app.reports import summary
        from app.services.rules import current_rules as _rules
        if not (args.reuse and app.appbuilder.session.scalar(select(DashboardCell.id).limit(1))):
            started = time.perf_counter()
            months = summary.rebuild(app.appbuilder.session, _rules(), today())
            app.appbuilder.session.commit()
            print(f"summary tables built: {months} months in {time.perf_counter() - started:.0f} s")
        else:
            print("reusing the summary tables built before")

    client = app.test_client()
    login(client, "city_bureau", os.environ[DEMO_PASSWORD_ENV])
    baseline = median_ms(lambda: client.get("/regionview/list/"), args.repeat * 3)
    print(f"baseline: a bare list page (regions, 25 a page): {baseline:.0f} ms")

    def line(what: str, ms: float) -> str:
        return f"{what:<58} {ms:7.0f} ms   × {ms / baseline:5.1f} of the baseline   {'ok' if ms < 1000 else 'SLOW'}"

    worst = 0.0
    with app.app_context():
        session = app.appbuilder.session
        rules, period, now = current_rules(), year_to_date(today()), dt.datetime.now(dt.timezone.utc)
        city = session.scalar(select(Region).where(Region.level == "city"))
        areas = [("city", Area("city", None, city.name))]
        for level in ("county", "township"):
            for region in session.scalars(select(Region).where(Region.level == level).order_by(Region.code)):
                areas.append((level, Area(level, region.id, region.name)))
        by_level: dict[str, list[float]] = {}
        for level, area in areas:
            ms = median_ms(lambda: build(session, area, period, now, rules, False), args.repeat)
            by_level.setdefault(level, []).append(ms)
            worst = max(worst, ms)
            if level != "township":
                print(line(f"dashboard {level} {area.name} (year to date)", ms))
        towns = by_level.get("township", [])
        if towns:
            print(line(f"dashboard of each of {len(towns)} townships: median", statistics.median(towns)))
            print(line(f"dashboard of each of {len(towns)} townships: slowest", max(towns)))
        whole = whole_history(period)
        ms = median_ms(lambda: build(session, areas[0][1], whole, now, rules, False), args.repeat)
        worst = max(worst, ms)
        print(line("dashboard city, all five years", ms))
        print(line("  the same from the rows (no summary: the reference path)",
                   median_ms(lambda: roll_up(areas[0][1], collect(session, areas[0][1], whole, now, rules), None), 1)))
        print(line("  city, year to date, from the rows (the reference path)",
                   median_ms(lambda: roll_up(areas[0][1], collect(session, areas[0][1], period, now, rules), None), 1)))
        stale_month = period.end.replace(day=1)
        if stale_month > period.start:
            stale_month = (stale_month - dt.timedelta(days=1)).replace(day=1)  # a whole month, read from the cells
        towns = session.execute(select(Region.id, Region.parent_id).where(Region.level == "township")).all()
        session.execute(insert(DashboardStale), [{"township_id": t, "county_id": c, "month": stale_month}
                                                 for t, c in towns])
        ms = median_ms(lambda: build(session, areas[0][1], period, now, rules, False), args.repeat)
        worst = max(worst, ms)
        print(line(f"dashboard city, {stale_month:%Y-%m} stale in all {len(towns)} townships", ms))
        session.rollback()
    for username in USERS:
        user_client = app.test_client()
        login(user_client, username, os.environ[DEMO_PASSWORD_ENV])
        for what, path in (("landing page", "/"), ("dashboard page", "/dashboard/"),
                           ("Excel export", "/dashboard/export/")):
            assert user_client.get(path).status_code == 200, (username, path)
            ms = median_ms(lambda: user_client.get(path), args.repeat)
            worst = max(worst, ms)
            print(line(f"{what} of {username}", ms))
    print(f"slowest of all: {worst:.0f} ms (target < 1000 ms, moonshot 300 ms)", flush=True)


def whole_history(period):
    from app.reports.area import Period

    return Period(FIRST_DAY, period.end)


if __name__ == "__main__":
    main()
