"""A bounded load test under gunicorn on 127.0.0.1: list pages and API calls mixed, at the caseload the
database holds (1,000,000 cases after ``bench/case_list.py``), with each kind's p50 / p95 against its
target (list p95 < 200 ms, API p95 < 100 ms).

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
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIST_USERS = ["township_caseworker_370811", "county_reviewer_370811", "city_bureau"]
API_USER = "county_reviewer_370811"
TARGETS = {"list": 200.0, "api": 100.0}
PASSWORD = os.environ.get("TEMPAID_TEST_PASSWORD", "bench-password-2026")  # bench/case_list.py's users


def start_server(url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "TEMPAID_INSTANCE": tempfile.mkdtemp(), "SECRET_KEY": "bench-only-not-a-secret-0123456789abcdef",
           "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # the roles were synced when bench/case_list.py built the database; workers syncing them at the same
    # moment race on the permission rows that script granted its bare views
    server = subprocess.Popen([str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                               "app:create_app({'SYNC_ROLES_ON_START': False})"], cwd=ROOT, env=env)
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
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login/").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base + "/login/", data=data).read()
    return opener


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
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--list-clients", type=int, default=2)
    parser.add_argument("--api-clients", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each client waits after an answer (0: closed loop, the server saturated)")
    args = parser.parse_args()
    url = args.database_url
    if url.startswith("postgres"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    base = f"http://127.0.0.1:{args.port}"
    server = start_server(url, args.port, args.workers)
    try:
        run(base, args)
    finally:
        server.terminate()
        server.wait(timeout=30)


def run(base: str, args) -> None:
    users = itertools.cycle(LIST_USERS)
    pages = ["/caseview/list/?psize_CaseView=25&_oc_CaseView=due_at&_od_CaseView=asc",
             "/duecases/list/?psize_DueCaseView=25"]
    list_openers = [browser(base, next(users)) for _ in range(args.list_clients * len(LIST_USERS))]
    headers = bearer(base, API_USER)
    query = urllib.parse.quote("(order_column:due_at,order_direction:asc,page:0,page_size:25)")
    first = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{base}/api/v1/case/?q={query}", headers=headers)).read())
    ids = [row["id"] for row in first["result"]]
    api_urls = [f"/api/v1/case/?q={query}"] + [f"/api/v1/case/{pk}" for pk in ids[:5]]

    def api_open(path):
        return urllib.request.urlopen(urllib.request.Request(base + path, headers=headers))

    results = {"list": [], "api": []}
    errors = []
    deadline = time.perf_counter() + args.duration

    def list_client(number: int):
        openers = list_openers[number::args.list_clients]
        for n in itertools.count(number):
            if time.perf_counter() > deadline:
                return
            opener = openers[n % len(openers)]
            try:
                results["list"].append(timed(lambda p: opener.open(base + p), pages[n % len(pages)]))
            except Exception as exc:  # noqa: BLE001 - a failed request is counted, not fatal
                errors.append(f"list: {exc}")
            time.sleep(args.think)

    def api_client(number: int):
        for n in itertools.count(number):
            if time.perf_counter() > deadline:
                return
            try:
                results["api"].append(timed(api_open, api_urls[n % len(api_urls)]))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"api: {exc}")
            time.sleep(args.think)

    threads = [threading.Thread(target=list_client, args=(i,)) for i in range(args.list_clients)]
    threads += [threading.Thread(target=api_client, args=(i,)) for i in range(args.api_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(f"load test: {args.duration:.0f} s, gunicorn {args.workers} sync workers on 127.0.0.1, "
          f"{args.list_clients} list + {args.api_clients} API clients, {args.think:.2f} s think time, "
          f"{first['count']} cases counted "
          f"by the API (capped)")
    for kind, timings in results.items():
        if not timings:
            print(f"  {kind}: no answers")
            continue
        timings.sort()
        p95 = timings[int(0.95 * (len(timings) - 1))]
        verdict = "ok" if p95 < TARGETS[kind] else "MISSED"
        print(f"  {kind:<5} {len(timings):>5} requests, {len(timings) / args.duration:5.1f}/s  "
              f"p50 {statistics.median(timings):6.0f} ms  p95 {p95:6.0f} ms  max {timings[-1]:6.0f} ms  "
              f"(target p95 < {TARGETS[kind]:.0f} ms: {verdict})")
    if errors:
        print(f"  {len(errors)} failed requests, e.g. {errors[0]}")


if __name__ == "__main__":
    main()
