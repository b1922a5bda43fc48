"""Where one request's time goes at 1,000,000 cases: SQL (time inside the database driver, and the number
of statements), templates (Jinja rendering, less the queries the templates send), and the rest of Python (FAB, forms, formatters), for a case
list page of each scope, the due list and the API's case list and case — each beside a bare
Flask-AppBuilder ModelView over the same rows in the same process, with the ratio. No server and no
queueing: this is the single-request cost that ``bench/load_test.py``'s p95 multiplies when requests wait
for a worker. ``--top N`` prints the N heaviest functions of the city list (cProfile, cumulative).

    python bench/request_profile.py --database-url postgresql://postgres@127.0.0.1:5432/tempaid_h_ops_bench

The database is the one ``bench/case_list.py`` seeded (its users and bare views are used).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class Split:
    """Times one request's SQL and template rendering with SQLAlchemy's and Flask's own hooks."""

    def __init__(self, engine):
        from flask import before_render_template, template_rendered
        from sqlalchemy import event

        self.sql = self.templates = 0.0
        self.statements = 0
        self._started: list[float] = []
        self._render: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        before_render_template.connect(self._render_start, weak=False)
        template_rendered.connect(self._render_end, weak=False)

    def _before(self, *_args):
        self._started.append(time.perf_counter())

    def _after(self, *_args):
        spent = time.perf_counter() - self._started.pop()
        self.sql += spent
        if self._render:  # a query a template asked for (a dropdown's rows): SQL, not template time
            self.templates -= spent
        self.statements += 1

    def _render_start(self, *_args, **_kwargs):
        self._render.append(time.perf_counter())

    def _render_end(self, *_args, **_kwargs):
        started = self._render.pop()
        if not self._render:  # the outermost template: includes and macros are inside it
            self.templates += time.perf_counter() - started

    def run(self, client, url, headers=None) -> tuple[float, float, float, int]:
        self.sql = self.templates = 0.0
        self.statements = 0
        started = time.perf_counter()
        response = client.get(url, headers=headers or {})
        total = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        return total * 1000, self.sql * 1000, self.templates * 1000, self.statements


def medians(split, client, url, repeat, headers=None):
    split.run(client, url, headers)  # warm-up
    runs = [split.run(client, url, headers) for _ in range(repeat)]
    return tuple(statistics.median(run[i] for run in runs) for i in range(4))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--top", type=int, default=0,
                        help="print the N heaviest functions of the API list (and, above 100, of the city list)")
    args = parser.parse_args()
    os.environ["TEMPAID_INSTANCE"] = tempfile.mkdtemp()
    url = "postgresql+psycopg://" + args.database_url.split("://", 1)[1]

    from app import create_app
    from app.extensions import db
    from bench.case_list import SCOPES, bare_api, bare_views
    from tests.conftest import login

    password = os.environ.get("TEMPAID_TEST_PASSWORD", "bench-password-2026")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    with app.app_context():
        bare = bare_views(app)
        bare_case_api = bare_api(app)
        split = Split(db.engine)
    order = "_oc_CaseView=due_at&_od_CaseView=asc"
    print(f"load average {os.getloadavg()[0]:.1f} (2 cores); medians of {args.repeat}; ms")
    print(f"{'page':<26}{'total':>8}{'SQL':>8}{'templ.':>8}{'other':>8}{'stmts':>7}{'bare':>8}{'ratio':>7}")

    def show(label, ours, base=None):
        total, sql, templates, statements = ours
        tail = f"{base[0]:>8.0f}{total / base[0]:>6.2f}×" if base else ""
        print(f"{label:<26}{total:>8.0f}{sql:>8.1f}{templates:>8.1f}{total - sql - templates:>8.0f}"
              f"{statements:>7}{tail}")

    for scope, username, _column in SCOPES:
        client = app.test_client()
        login(client, username, password)
        list_url = f"/caseview/list/?psize_CaseView=25&{order}"
        ours, base = medians(split, client, list_url, args.repeat), medians(split, client, bare[scope], args.repeat)
        show(f"{scope} list", ours, base)
        show(f"{scope} due list", medians(split, client, "/duecases/list/?psize_DueCaseView=25", args.repeat))
        if scope == "city" and args.top > 100:  # the list's profile only when asked for many lines
            profile = cProfile.Profile()
            profile.enable()
            client.get(list_url)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(args.top)
            print(out.getvalue())

    api = app.test_client()
    token = json.loads(api.post("/api/v1/security/login", json={
        "username": "county_reviewer_370811", "password": password, "provider": "db"}).data)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    query = urllib.parse.quote("(order_column:due_at,order_direction:asc,page:0,page_size:25)")
    first = json.loads(api.get(f"/api/v1/case/?q={query}", headers=headers).data)
    one = first["result"][0]["id"]
    show("API case list (county)", medians(split, api, f"/api/v1/case/?q={query}", args.repeat, headers),
         medians(split, api, f"{bare_case_api}?q={query}", args.repeat, headers))
    show("API one case", medians(split, api, f"/api/v1/case/{one}", args.repeat, headers),
         medians(split, api, f"{bare_case_api}{one}", args.repeat, headers))
    if args.top:
        profile = cProfile.Profile()
        profile.enable()
        api.get(f"/api/v1/case/?q={query}", headers=headers)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
