"""A fresh machine follows ``deploy/`` (README, Deployment) to a running web, worker and beat, with nginx in
front: the environment file filled from its template, the README's setup commands, then each systemd unit's
own commands run with nothing but that file's environment (as systemd starts them), and the example nginx
site. ``/srv/tempaid``, ``/etc/tempaid``, ``/var/lib/tempaid`` and the certificate's folder are this
checkout and a temporary folder; the ports are free ones. What the office then sees is checked as it would
see it: the login page over TLS, plain HTTP sent to HTTPS, static files from nginx, a body over 1 MB
refused, a job queued from the command line and one queued by beat on its schedule, both run by the worker
and listed on the administrators' job page."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig

import pytest
from tests.deploy.databases import fresh_database
from tests.deploy.deployment import ROOT, Deployment, Https, environment_file, free_port, mapped, unit_commands

pytestmark = pytest.mark.commits
HSTS = "max-age=31536000; includeSubDomains"  # the app's own (app/security/headers.py)


#: read from the environment but not a deployment's to set: run.py's demo switch, the XDG standard's own
NOT_DEPLOYMENT_SETTINGS = {"TEMPAID_DEMO", "XDG_CACHE_HOME"}


def test_the_environment_template_holds_every_setting_the_services_read():
    """Each variable the app, its settings and gunicorn's config read is in deploy/tempaid.env.example, set or
    shown commented at its default (README: "every setting the services read")."""
    read = set()
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "config").rglob("*.py"), ROOT / "deploy" / "gunicorn.conf.py"]:
        read |= set(re.findall(r"environ(?:\.get\(|\[)\s*\"([A-Z][A-Z0-9_]+)\"", path.read_text()))
    template = (ROOT / "deploy" / "tempaid.env.example").read_text()
    named = set(environment_file(template)) | set(re.findall(r"^#([A-Z][A-Z0-9_]+)=", template, re.M))
    assert {"DATABASE_URL", "SECRET_KEY", "CELERY_BROKER_URL", "GUNICORN_BIND"} <= read  # the scan finds them
    assert sorted(read - NOT_DEPLOYMENT_SETTINGS - named) == []
    assert environment_file(template)["SECRET_KEY"] == "CHANGE-ME"  # never a real secret in the repository


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_every_unit(tmp_path):
    """``systemd-analyze verify`` on each unit as installed (its paths here): no warning, every command there."""
    (tmp_path / "tempaid.env").write_text("")
    places = {"/srv/tempaid/.venv/bin/": sysconfig.get_path("scripts") + "/", "/srv/tempaid": str(ROOT),
              "/etc/tempaid/tempaid.env": str(tmp_path / "tempaid.env")}
    for unit in sorted((ROOT / "deploy" / "systemd").iterdir()):
        (tmp_path / unit.name).write_text(mapped(unit.read_text(), places))
    units = sorted(str(path) for path in tmp_path.glob("tempaid-*.*"))
    assert len(units) == 5
    done = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_the_web_unit_starts_gunicorn_from_the_deployed_paths():
    commands = unit_commands((ROOT / "deploy" / "systemd" / "tempaid-web.service").read_text())
    assert commands["Type"] == ["notify"]  # gunicorn tells systemd when it is ready (checked below)
    assert [c.split()[1:3] for c in commands["ExecStartPre"]] == [["db", "upgrade"]]
    assert "deploy/gunicorn.conf.py" in commands["ExecStart"][0]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """The walk on a database and a Redis database of its own, both emptied after."""
    from tests.jobs.conftest import REDIS_URL, reachable_redis

    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("deploy/ runs on PostgreSQL (set TEST_DATABASE_URL, as .ci/run does)")
    for tool in ("nginx", "openssl"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (.ci/run installs nginx)")
    if not shutil.which("gunicorn", path=sysconfig.get_path("scripts")):
        pytest.skip("gunicorn is not installed (the prod extra)")
    queue = reachable_redis()
    queue.flushdb()
    source = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)
    try:
        with fresh_database(source, "deploy") as fresh, Deployment(
                tmp_path_factory.mktemp("deploy"), fresh.set(drivername="postgresql").render_as_string(
                    hide_password=False), REDIS_URL, web=free_port(), http=free_port(),
                https_port=free_port()) as deployed:
            yield deployed
    finally:
        queue.flushdb()


def test_gunicorn_tells_systemd_it_is_ready(deployment):
    assert deployment.notified.startswith("READY=1")


def test_the_login_page_is_served_over_tls_in_chinese(deployment):
    answer = deployment.visitor().get("/login/")
    assert answer.status == 200
    assert answer.headers.get_all("Strict-Transport-Security") == [HSTS]  # once: nginx's, not the app's too
    assert "登录" in answer.text and 'name="csrf_token"' in answer.text


def test_plain_http_is_sent_to_https(deployment):
    answer = Https(f"http://127.0.0.1:{deployment.http}", deployment.certificate).get("/login/?next=%2F")
    assert answer.status == 301
    assert answer.headers["Location"] == "https://127.0.0.1/login/?next=%2F"


STATIC = ["/static/appbuilder/css/ab.css", "/static/tempaid/dashboard.css"]
WEEK = "max-age=604800"  # nginx's "expires 7d": the app never sends it


@pytest.mark.parametrize("path", STATIC)
def test_static_files_come_from_nginx(deployment, path):
    """From the installed package's and the app's folders, with a week's expiry only nginx adds."""
    answer = deployment.https.get(path)
    assert answer.status == 200 and len(answer.body) > 100
    assert answer.headers["Cache-Control"] == WEEK
    assert answer.headers.get_all("Strict-Transport-Security") == [HSTS]


def test_on_a_docker_host_the_same_site_sends_static_files_on_to_the_app(deployment):
    """With the app in Docker the files are not on nginx's disk: the site still serves them, from the app."""
    host = deployment.docker_host()
    for path in STATIC:
        answer = host.get(path)
        assert (answer.status, answer.body) == (200, deployment.https.get(path).body), path
        assert answer.headers["Cache-Control"] != WEEK
        assert answer.headers.get_all("Strict-Transport-Security") == [HSTS]
    assert host.get("/login/").status == 200


def test_a_body_over_a_megabyte_is_refused_before_the_app(deployment):
    answer = deployment.visitor().post("/login/", b"x" * (1024 * 1024 + 1))
    assert answer.status == 413
    assert "nginx" in answer.text


def test_a_job_queued_by_command_is_run_by_the_worker(deployment):
    done = deployment.run(f"tempaid -e {deployment.folder / 'tempaid.env'} job return_stale_claims")
    assert done.stdout.strip() == "return_stale_claims: queued"
    listed = deployment.job_row("超期未救助的慈善认领退回资金池", seconds=60)
    assert "成功" in listed.split() and "0 件认领退回" in listed


def test_beat_queues_the_dashboards_refresh_on_its_schedule(deployment):
    """``JOBS_DASHBOARDS_EVERY=1``: beat queues the refresh at the next minute and the worker runs it (nothing
    else in the walk queues it)."""
    listed = deployment.job_row("绩效看板汇总表已更新", seconds=150)
    assert "成功" in listed.split() and "个乡镇月份重算" in listed


def test_once_a_scheduled_job_has_run_every_service_is_up_with_no_error_logged(deployment):
    """After beat's first job through the worker, whichever tests ran before: the four services still run,
    no log holds an error, and nothing was written in the home (read-only under ProtectSystem=strict:
    gunicorn's control socket there is turned off)."""
    deployment.job_row("绩效看板汇总表已更新", seconds=150)
    services = ("web", "worker", "beat", "nginx")
    assert {name: deployment.processes[name].poll() for name in services} == dict.fromkeys(services), deployment.logs()
    assert deployment.errors() == []
    assert list(deployment.home.iterdir()) == []
