"""Every worker serves a saved rule edit within seconds, with no restart.

Two real app processes (werkzeug servers on their own ports, as two gunicorn workers would be) share a
copy of the rules directory and one SQLite database. The rule administrator saves a raised dibao
standard through process A's editor; process B is then asked to evaluate an application dated from the
new standard's day on, until its verdict names the new figure — which must happen within ten seconds.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import pytest

from tests.rule_edit_support import RENCHENG, copy_rules

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 10
EFFECTIVE = date(date.today().year + 1, 1, 1)

PREPARE = """
import sys
from flask_migrate import upgrade
from sqlalchemy import select
from app import create_app
from app.models import Region
from app.security.sync import sync_security
from app.services.regions import load_regions

app = create_app()
with app.app_context():
    upgrade(revision="heads")
    sync_security()
    session = app.appbuilder.session
    load_regions(session)
    sm = app.appbuilder.sm
    user = sm.add_user("rule_admin_370811", "规则", "管理员", "ra@tempaid.invalid", sm.find_role("rule_admin"),
                       sys.argv[1])
    user.region = session.scalar(select(Region).where(Region.code == "370811"))
    session.commit()
"""

SERVE = """
import sys
from werkzeug.serving import make_server
from app import create_app

server = make_server("127.0.0.1", int(sys.argv[1]), create_app({"SYNC_ROLES_ON_START": False}), threaded=True)
print("serving", flush=True)
server.serve_forever()
"""

APPLICATION = {
    "county": "370811", "kind": "expenditure", "category": "illness:uremia", "application_date": EFFECTIVE.isoformat(),
    "residency": "local_hukou", "area": "urban",
    "household": {"size": 1, "monthly_income": ["1000"] * 12, "monthly_necessary_expenses": ["60"] * 6,
                  "financial_assets": "1000", "houses": 1, "vehicles": 0},
    "cost": "2000",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """A client with its own cookies, speaking to one process."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode("utf-8")

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + path, data=body, timeout=60) as response:
            return response.status, response.read().decode("utf-8")

    def post_json(self, path: str, payload: dict, token: str | None = None) -> dict:
        request = urllib.request.Request(self.base + path, data=json.dumps(payload).encode(),
                                         headers={"Content-Type": "application/json",
                                                  **({"Authorization": f"Bearer {token}"} if token else {})})
        with self.opener.open(request, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{re.escape(name)}" (?:type="hidden" )?value="([^"]*)"', page).group(1)


def wait_until_serving(browser: Browser, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text(errors="replace")
        try:
            browser.get("/login/")
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("the app process did not start")


@pytest.mark.skipif(sys.platform == "win32", reason="the save lock uses fcntl")
def test_two_processes_serve_a_saved_edit_within_seconds(tmp_path):
    rules_dir = copy_rules(tmp_path)
    password = secrets.token_urlsafe(12)
    env = {**os.environ, "TEMPAID_INSTANCE": str(tmp_path / "instance"), "SECRET_KEY": secrets.token_hex(16),
           "SESSION_COOKIE_SECURE": "0", "RATELIMIT_ENABLED": "0", "RULES_DIR": str(rules_dir),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}", "PYTHONPATH": str(ROOT)}
    env.pop("TEMPAID_DEMO", None)
    prepared = subprocess.run([sys.executable, "-c", PREPARE, password], env=env, cwd=ROOT, timeout=120,
                              capture_output=True)
    assert prepared.returncode == 0, prepared.stderr.decode()
    ports = [free_port(), free_port()]
    logs = [open(tmp_path / f"process-{n}.log", "wb") for n in (1, 2)]
    processes = [subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=log) for port, log in zip(ports, logs)]
    try:
        a, b = Browser(ports[0]), Browser(ports[1])
        for browser, process, log in zip((a, b), processes, logs):
            wait_until_serving(browser, process, Path(log.name))
        token = b.post_json("/api/v1/security/login", {"username": "rule_admin_370811", "password": password,
                                                        "provider": "db", "refresh": False})["access_token"]

        def limit_in_b() -> str:
            return b.post_json("/api/v1/eligibility/evaluate", APPLICATION, token)["checks"][1]["limit"]

        assert limit_in_b() == "915"

        login = a.get("/login/")
        a.post("/login/", {"username": "rule_admin_370811", "password": password, "csrf_token": hidden(login, "csrf_token")})
        page = a.get("/ruleeditor/edit/370811")
        fields = {"csrf_token": hidden(page, "csrf_token"), "digest": hidden(page, "digest"),
                  "shown_on": hidden(page, "shown_on"), "effective": EFFECTIVE.isoformat(),
                  "value:standards.dibao_monthly.urban": "960", "reason": "提高城市低保标准"}
        _, preview = a.post("/ruleeditor/edit/370811", {**fields, "action": "preview"})
        status, history = a.post("/ruleeditor/edit/370811", {**fields, "action": "save",
                                                              "proposal_digest": hidden(preview, "proposal_digest")})
        saved_at = time.monotonic()
        assert status == 200 and "提高城市低保标准" in history  # the history page, after the redirect
        assert f"      {EFFECTIVE.isoformat()}: 960\n" in (rules_dir / RENCHENG).read_text(encoding="utf-8")

        seen = None
        while time.monotonic() - saved_at < WAIT_SECONDS:
            seen = limit_in_b()
            if seen == "960":
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - saved_at
        assert seen == "960", f"process B still evaluates with {seen} after {elapsed:.1f} s"
        print(f"process B served the saved edit after {elapsed:.2f} s")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
