"""A bounded load test under gunicorn on 127.0.0.1: list pages and API calls mixed, at the caseload the
database holds (1,000,000 cases after ``bench/case_list.py``), with each kind's p50 / p95 against its
target (list p95 < 200 ms, API p95 < 100 ms), beside the same traffic sent to bare Flask-AppBuilder views
and API over the same rows (bench/bare_app.py) in the same server, in alternating rounds, with the
ratio and the load average of each round: the machine is shared, so the ratio is the figure that counts.

    python bench/load_test.py --database-url postgresql://postgres@127.0.0.1:5432/tempaid_bench_scale \
        [--duration 30] [--list-clients 2] [--api-clients 2] [--workers 2]

Each client sends its next request when the last one is answered, after ``--think`` seconds (0 by
default: a closed loop that saturates the server, the worst a handful of busy users make; 0.5 s is
closer to people reading pages). List clients are a township caseworker, a county
reviewer and the city bureau in turn, reading the case list and the due list sorted by due date; API
clients read ``/api/v1/case/`` pages (25 by due date) and single cases with a bearer token. Only the
standard library is used on the client side; the server is the gunicorn of the ``prod`` extra. The
server is stopped at the end (the process this script started, by its id).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIST_USERS = ["township_caseworker_370811", "county_reviewer_370811", "city_bureau"]
API_USER = "county_reviewer_370811"
TARGETS = {"list": 200.0, "api": 100.0}
PASSWORD = os.environ.get("TEMPAID_TEST_PASSWORD", "bench-password-2026")  # bench/case_list.py's users


def grant_bare(url: str) -> None:
    """Write the bare views' permissions once, before the workers start (they only register the views)."""
    os.environ.setdefault("TEMPAID_INSTANCE", tempfile.mkdtemp())
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from bench.case_list import bare_api, bare_views

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})  # syncs the roles, then the bare grants go on top
    with app.app_context():
        bare_views(app)
        bare_api(app)


def start_server(url: str, port: int, workers: int, worker_class: str = "sync", threads: int = 1) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "TEMPAID_INSTANCE": tempfile.mkdtemp(), "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdef",
           "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # the roles were synced by grant_bare, which then granted the bare views: a sync at the workers' start
    # would take those grants away again (the roles file does not know the bare views)
    server = subprocess.Popen([str(gunicorn), "-w", str(workers), "-k", worker_class, "--threads", str(threads),
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "bench.bare_app:create_bench_app()"], cwd=ROOT, env=env)
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within a minute")


def browser(base: str, username: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _Stay())
    page = opener.open(base + "/login/").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
    try:
        opener.open(base + "/login/", data=data).read()
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    return opener


class _Stay(urllib.request.HTTPRedirectHandler):
    """Not to the landing page after the login: its dashboard is not what this test measures (at a
    million cases the city's dashboard takes longer than a worker's timeout while not yet refreshed)."""

    def redirect_request(self, *args, **kwargs):
        return None


def bearer(base: str, username: str) -> dict:
    body = json.dumps({"username": username, "password": PASSWORD, "provider": "db", "refresh": True}).encode()
    request = urllib.request.Request(base + "/api/v1/security/login", data=body,
                                     headers={"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(request).read())["access_token"]
    return {"Authorization": f"Bearer {token}"}


def timed(open_, url: str) -> float:
    started = time.perf_counter()
    with open_(url) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of traffic per side and round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of tempaid then bare FAB")
    parser.add_argument("--list-clients", type=int, default=2)
    parser.add_argument("--api-clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", help="gunicorn's -k: sync or gthread")
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each client waits after an answer (0: closed loop, the server saturated)")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgres"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    grant_bare(url)
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(url, args.port, args.workers, args.worker_class, args.threads)
    try:
        run(base, args)
    finally:
        server.terminate()
        server.wait(timeout=30)


def sides(base: str, headers: dict) -> dict:
    """The list pages and API calls of each side: tempaid's, and the bare FAB views' over the same rows."""
    query = urllib.parse.quote("(order_column:due_at,order_direction:asc,page:0,page_size:25)")
    first = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{base}/api/v1/case/?q={query}", headers=headers)).read())
    ids = [row["id"] for row in first["result"]][:5]
    scopes = {"township_caseworker_370811": "township", "county_reviewer_370811": "county", "city_bureau": "city"}
    return {
        "tempaid": {"lists": {user: ["/caseview/list/?psize_CaseView=25&_oc_CaseView=due_at&_od_CaseView=asc",
                                     "/duecases/list/?psize_DueCaseView=25"] for user in LIST_USERS},
                    "api": [f"/api/v1/case/?q={query}"] + [f"/api/v1/case/{pk}" for pk in ids]},
        "bare FAB": {"lists": {user: [f"/bare{scope}/list/?psize_Bare{scope.title()}CaseView=25"]
                               for user, scope in scopes.items()},
                     "api": [f"/api/v1/barecase/?q={query}"] + [f"/api/v1/barecase/{pk}" for pk in ids]},
    }, first["count"]


def traffic(base: str, args, openers: dict, headers: dict, side: dict) -> tuple[dict, list]:
    """One round of closed-loop clients on one side for ``args.duration`` seconds: the timings by kind."""
    def api_open(path):
        return urllib.request.urlopen(urllib.request.Request(base + path, headers=headers))

    results = {"list": [], "api": []}
    errors = []
    deadline = time.perf_counter() + args.duration
    users = list(openers)

    def list_client(number: int):
        for n in itertools.count(number):
            if time.perf_counter() > deadline:
                return
            username = users[n % len(users)]
            pages = side["lists"][username]
            opener = openers[username][number]
            try:
                results["list"].append(timed(lambda p: opener.open(base + p), pages[(n // len(users)) % len(pages)]))
            except Exception as exc:  # noqa: BLE001 - a failed request is counted, not fatal
                errors.append(f"list: {exc}")
            time.sleep(args.think)

    def api_client(number: int):
        for n in itertools.count(number):
            if time.perf_counter() > deadline:
                return
            try:
                results["api"].append(timed(api_open, side["api"][n % len(side["api"])]))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"api: {exc}")
            time.sleep(args.think)

    threads = [threading.Thread(target=list_client, args=(i,)) for i in range(args.list_clients)]
    threads += [threading.Thread(target=api_client, args=(i,)) for i in range(args.api_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[int(share * (len(ordered) - 1))]


def run(base: str, args) -> None:
    openers = {user: [browser(base, user) for _ in range(args.list_clients)] for user in LIST_USERS}
    headers = bearer(base, API_USER)
    both, counted = sides(base, headers)
    print(f"load test: gunicorn {args.workers} {args.worker_class} workers"
          f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''} on 127.0.0.1, "
          f"{args.list_clients} list + {args.api_clients} API clients, {args.think:.2f} s think time, "
          f"{args.rounds} rounds of {args.duration:.0f} s per side, {counted} cases counted by the API (capped)")
    totals = {name: {"list": [], "api": []} for name in both}
    for round_number in range(args.rounds):
        for name, side in both.items():
            load = os.getloadavg()[0]
            results, errors = traffic(base, args, openers, headers, side)
            for kind, timings in results.items():
                totals[name][kind] += timings
            figures = "  ".join(f"{kind} p50 {statistics.median(t):5.0f} p95 {percentile(t, 0.95):5.0f} ms ({len(t)})"
                                for kind, t in results.items() if t)
            print(f"  round {round_number + 1} {name:<8} load {load:4.1f}:  {figures}"
                  f"{f'  {len(errors)} failed, e.g. {errors[0]}' if errors else ''}")
    print(f"all rounds (load average now {os.getloadavg()[0]:.1f}):")
    for kind in ("list", "api"):
        ours, bare = totals["tempaid"][kind], totals["bare FAB"][kind]
        if not ours or not bare:
            print(f"  {kind}: no answers")
            continue
        p95, bare95 = percentile(ours, 0.95), percentile(bare, 0.95)
        verdict = "ok" if p95 < TARGETS[kind] else "MISSED"
        print(f"  {kind:<5} tempaid p50 {statistics.median(ours):5.0f} p95 {p95:5.0f} ms ({len(ours) / (args.duration * args.rounds):4.1f}/s)"
              f"  bare FAB p50 {statistics.median(bare):5.0f} p95 {bare95:5.0f} ms ({len(bare) / (args.duration * args.rounds):4.1f}/s)"
              f"  ratio p95 {p95 / bare95:4.2f}x  (target p95 < {TARGETS[kind]:.0f} ms: {verdict})")


if __name__ == "__main__":
    main()
