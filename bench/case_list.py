"""Case list at a province's scale: 1,000,000 cases on PostgreSQL, 25 a page sorted by due date, for every
scope (a township caseworker, a county reviewer, the city bureau), side by side with a bare
Flask-AppBuilder ModelView over the same rows (no scoping, no formatters, FAB's own lazy loads), with
the ratio against the target (≤ 1.3× the bare view), the queries per page (25 and 100 rows: the same),
the due list, a case page, a search by case number, and the query plans' index use (EXPLAIN ANALYZE).

    python bench/case_list.py --database-url postgresql://postgres@127.0.0.1:5432/tempaid_bench_scale \
        [--cases 1000000] [--repeat 15]

Without --database-url a temporary SQLite file is used (small sizes). A database already holding the
cases is reused (seeding is skipped); ``--reset`` empties it first.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.seed import seed  # noqa: E402

#: who looks, and the bare view over the same rows (its base filter by region column)
SCOPES = [("township", "township_caseworker_370811", "township_id"),
          ("county", "county_reviewer_370811", "county_id"),
          ("city", "city_bureau", None)]
TARGET_RATIO = 1.3
SEARCH_COLUMNS = ["number", "state", "kind", "category", "township", "application_date", "due_at"]
LIST_COLUMNS = ["number", "household", "county", "township", "kind", "category", "state", "approval_level",
                "suggested_amount", "due_at"]


def bare_views(app, grant: bool = True):
    """One plain ModelView per scope, filtered by FAB's own FilterEqual on the user's region column; its
    permission granted to the scope's user unless ``grant`` is off (gunicorn's workers register the views
    the load test granted once, rather than all writing the same permission rows at start)."""
    from flask_appbuilder import ModelView
    from flask_appbuilder.models.sqla.filters import FilterEqual
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from app.models import Case

    sm = app.appbuilder.sm
    views = {}
    for scope, username, column in SCOPES:
        user = sm.find_user(username=username)
        region = user.region.id if column else None
        # the same search form as the case list: FAB's default would offer every household in a dropdown
        attrs = dict(datamodel=SQLAInterface(Case), list_columns=LIST_COLUMNS, base_order=("due_at", "asc"),
                     search_columns=SEARCH_COLUMNS,
                     route_base=f"/bare{scope}", base_permissions=["can_list"],
                     base_filters=[[column, FilterEqual, region]] if column else [])
        view = type(f"Bare{scope.title()}CaseView", (ModelView,), attrs)
        app.appbuilder.add_view_no_menu(view)
        if grant:
            sm.add_permissions_view(["can_list"], view.__name__)
            for role in user.roles:
                sm.add_permission_role(role, sm.find_permission_view_menu("can_list", view.__name__))
        views[scope] = f"/bare{scope}/list/?psize_{view.__name__}=25"
    if grant:
        app.appbuilder.session.commit()
    return views


def bare_api(app, username: str = "county_reviewer_370811", grant: bool = True) -> str:
    """A plain ModelRestApi over the same rows as ``/api/v1/case/`` for ``username``'s county (FAB's own
    FilterEqual, the same columns and order), its permission granted to that user's roles (unless
    ``grant`` is off); its list URL."""
    from flask_appbuilder import ModelRestApi
    from flask_appbuilder.models.sqla.filters import FilterEqual
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    from app.api.cases import CASE_COLUMNS
    from app.models import Case

    sm = app.appbuilder.sm
    user = sm.find_user(username=username)
    attrs = dict(datamodel=SQLAInterface(Case), resource_name="barecase", list_columns=CASE_COLUMNS,
                 show_columns=CASE_COLUMNS, order_columns=["id", "application_date", "due_at"],
                 base_order=("due_at", "asc"), base_permissions=["can_get"],
                 base_filters=[["county_id", FilterEqual, user.region.id]])
    api = type("BareCaseApi", (ModelRestApi,), attrs)
    app.appbuilder.add_api(api)
    if grant:
        sm.add_permissions_view(["can_get"], api.__name__)
        for role in user.roles:
            sm.add_permission_role(role, sm.find_permission_view_menu("can_get", api.__name__))
        app.appbuilder.session.commit()
    return "/api/v1/barecase/"


class Recorder:
    """Counts the SQL statements of a request and keeps them (for EXPLAIN)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements = []
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, parameters, _context, _many):
        self.statements.append((statement, parameters))

    def run(self, client, url):
        self.statements = []
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed, len(self.statements)


def paired(recorder, client, ours, bare_client, bare, repeat):
    """Medians of paired, interleaved runs (ours, bare), after a warm-up of each."""
    recorder.run(client, ours), recorder.run(bare_client, bare)
    a, b = [], []
    for _ in range(repeat):
        a.append(recorder.run(client, ours)[0])
        b.append(recorder.run(bare_client, bare)[0])
    return statistics.median(a), statistics.median(b)


def explain(engine, statements, label):
    """EXPLAIN ANALYZE the statements of a page that read aid_case (its rows and its count); print each
    plan's index use and time."""
    if engine.dialect.name != "postgresql":
        return
    import re

    reads = [s for s in statements if s[0].lstrip().startswith("SELECT") and "FROM aid_case" in s[0]]
    rows = [s for s in reads if "count(" not in s[0]][:1]
    counts = [s for s in reads if "count(" in s[0]][:1]
    for kind, (statement, params) in [("rows", s) for s in rows] + [("count", s) for s in counts]:
        with engine.connect() as connection:
            plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN ANALYZE " + statement, params)]
        text = "\n".join(plan)
        used = sorted(set(re.findall(r"(Index Only Scan|Index Scan|Bitmap Index Scan) (?:Backward )?using (\w+)", text)))
        seq = "; SEQ SCAN on aid_case" if "Seq Scan on aid_case" in text else ""
        total = next((line for line in plan if line.startswith("Execution Time")), "")
        print(f"    plan of {label} ({kind}): {', '.join(f'{how} {name}' for how, name in used) or 'no index'}"
              f"{seq}; {total}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--plans", action="store_true", help="print the whole plan of the city list")
    args = parser.parse_args()
    instance = tempfile.mkdtemp()
    os.environ["TEMPAID_INSTANCE"] = instance
    url = args.database_url or f"sqlite:///{instance}/bench.db"

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Case
    from app.security.sync import sync_security
    from app.services.regions import load_regions
    from tests.conftest import _reset_database, login
    from tests.support import DEMO_PASSWORD_ENV, make_users

    os.environ.setdefault(DEMO_PASSWORD_ENV, "bench-password-2026")
    if url.startswith("postgres"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        fresh = args.reset or not db.inspect(db.engine).has_table("aid_case")
        if fresh and url.startswith("postgresql"):
            _reset_database(url)
        upgrade(revision="heads")
        if fresh:
            sync_security()
            load_regions(app.appbuilder.session)
            make_users(app)
            app.appbuilder.session.commit()
        started = time.perf_counter()
        if seed(app, args.cases):
            print(f"seeded {args.cases:,} cases in {time.perf_counter() - started:.1f} s ({db.engine.dialect.name})")
        total = app.appbuilder.session.scalar(select(func.count()).select_from(Case))
        views = bare_views(app)
        recorder = Recorder(db.engine)
        engine = db.engine
        some_case = app.appbuilder.session.scalar(select(Case).where(Case.county_id == app.appbuilder.sm.find_user(
            username="county_reviewer_370811").region.id).limit(1))
        case_id, case_number = some_case.id, some_case.number

    print(f"{total:,} cases on {engine.dialect.name}; medians of {args.repeat} paired requests, 25 a page by due date")
    print(f"{'scope':<9}{'tempaid':>10}{'bare FAB':>10}{'ratio':>8}  target ≤ {TARGET_RATIO}×   queries 25 / 100 rows")
    password = os.environ[DEMO_PASSWORD_ENV]
    order = "_oc_CaseView=due_at&_od_CaseView=asc"
    for scope, username, _column in SCOPES:
        client = app.test_client()
        login(client, username, password)
        ours = f"/caseview/list/?psize_CaseView=25&{order}"
        ours_med, bare_med = paired(recorder, client, ours, client, views[scope], args.repeat)
        q25 = recorder.run(client, ours)[1]
        explain(engine, recorder.statements, f"{scope} list")
        q100 = recorder.run(client, f"/caseview/list/?psize_CaseView=100&{order}")[1]
        ratio = ours_med / bare_med
        verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
        print(f"{scope:<9}{ours_med:>8.0f}ms{bare_med:>8.0f}ms{ratio:>7.2f}×  {verdict:<14}{q25:>4} / {q100}")
        for label, page in (("due list", "/duecases/list/?psize_DueCaseView=25"),
                            ("search by number", f"/caseview/list/?_flt_0_number={case_number[:-2]}"),
                            ("case page", f"/caseview/show/{case_id}") if scope != "township" else (None, None)):
            if label is None:
                continue
            timings = []
            for _ in range(max(3, args.repeat // 3)):
                timings.append(recorder.run(client, page)[0])
            queries = len(recorder.statements)
            print(f"    {label}: median {statistics.median(timings):.0f} ms, {queries} queries")
            if label != "case page":
                explain(engine, recorder.statements, label)


if __name__ == "__main__":
    main()
