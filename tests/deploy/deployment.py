"""``deploy/`` followed on this machine: the files read as systemd and nginx read them, their paths and ports
moved here, and the services started from them (tests/deploy/test_follow_deploy.py)."""
from __future__ import annotations

import ctypes
import html
import http.client
import http.cookiejar
import os
import random
import re
import shlex
import signal
import socket
import ssl
import subprocess
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ADMIN, PASSWORD = "county_it", "Deploy-walk-2026"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # systemd's own PATH for a unit


_TAKEN: set[int] = set()
#: an error in a service's log: Python's, gunicorn's, Celery's, nginx's
ERRORS = re.compile(r"Traceback|CRITICAL|\[ERROR\]|: ERROR/|\[(?:crit|alert|emerg)\]")


def free_port() -> int:
    """A port free now, below Linux's ephemeral range (32768 and up), so no outgoing connection of another
    process takes it before the service binds it; never the same one twice in a run."""
    for port in random.sample(range(20000, 32000), 200):
        if port in _TAKEN:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _TAKEN.add(port)
        return port
    raise RuntimeError("no free port between 20000 and 32000")


def _die_with_parent() -> None:
    """In the child, before it runs: SIGTERM when the test process dies, even by SIGKILL (Linux's
    PR_SET_PDEATHSIG), so no service outlives a killed test run holding its database and queue."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def mapped(text: str, places: dict[str, str]) -> str:
    """``text`` with each path or address of ``places`` moved, the longest first (so a folder inside
    another moves as itself)."""
    for old in sorted(places, key=len, reverse=True):
        text = text.replace(old, places[old])
    return text


def environment_file(text: str) -> dict[str, str]:
    """``KEY=VALUE`` lines as systemd's ``EnvironmentFile=`` reads them: ``#`` and ``;`` lines and blank
    lines skipped, whitespace around the value and one pair of quotes around it removed."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def filled(template: str, values: dict[str, str]) -> str:
    """The template with the value of each ``KEY=`` line named in ``values`` replaced, every other line
    as it is; a key the template lacks is an error (an administrator copying it would never set it)."""
    missing = set(values) - set(environment_file(template))
    if missing:
        raise KeyError(f"deploy/tempaid.env.example has no {sorted(missing)}")
    lines = []
    for line in template.splitlines():
        key = line.partition("=")[0]
        lines.append(f"{key}={values[key]}" if key in values else line)
    return "\n".join(lines) + "\n"


def unit_commands(text: str) -> dict[str, list[str]]:
    """The ``[Service]`` section of a unit file, each key with its values in order (keys may repeat)."""
    service: dict[str, list[str]] = {}
    section = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and line[0] not in "#;":
            key, _, value = line.partition("=")
            service.setdefault(key.strip(), []).append(value.strip())
    return service


@dataclass
class Answer:
    status: int
    headers: Message  # ["Name"] for the first, .get_all("Name") for every one
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Https:
    """A browser's part: cookies kept, the deployment's own certificate trusted, redirects not followed."""

    def __init__(self, base: str, certificate: Path):
        self.base = base
        context = ssl.create_default_context(cafile=str(certificate))
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  urllib.request.HTTPSHandler(context=context), _NoRedirect())

    def request(self, path: str, data: bytes | None = None, headers: dict | None = None) -> Answer:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Answer(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.headers, error.read())

    def get(self, path: str) -> Answer:
        return self.request(path)

    def post(self, path: str, body: bytes, content_type: str = "application/x-www-form-urlencoded") -> Answer:
        return self.request(path, body, {"Content-Type": content_type, "Referer": self.base + path})

    def log_in(self, username: str, password: str) -> Answer:
        page = self.get("/login/").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token})
        return self.post("/login/", form.encode())


def rows(page: str) -> list[str]:
    """Each table row of a page as the text a reader sees (tags gone, spaces collapsed)."""
    found = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", " ", row)).replace("\u00a0", " ")
        found.append(" ".join(text.split()))
    return found


@dataclass
class Deployment:
    """The services of ``deploy/`` started here, and stopped, with their database dropped, on leaving."""

    folder: Path
    database_url: str
    redis_url: str
    web: int
    http: int
    https_port: int
    processes: dict = field(default_factory=dict)
    notified: str = ""

    def __post_init__(self):
        scripts = sysconfig.get_path("scripts")
        self.instance = self.folder / "instance"
        self.instance.mkdir()
        self.certificate = self.folder / "fullchain.pem"
        self.places = {"/srv/tempaid/.venv/lib/python3.11/site-packages/": sysconfig.get_path("purelib") + "/",
                       "/srv/tempaid/.venv/bin/": scripts + "/", "/srv/tempaid": str(ROOT),
                       "/etc/tempaid/tempaid.env": str(self.folder / "tempaid.env"),
                       "/var/lib/tempaid": str(self.instance), "/etc/ssl/tempaid/": str(self.folder) + "/",
                       "127.0.0.1:8000": f"127.0.0.1:{self.web}", "listen 80;": f"listen 127.0.0.1:{self.http};",
                       "listen 443 ssl": f"listen 127.0.0.1:{self.https_port} ssl"}

    # -- what the administrator does, in the README's order
    def __enter__(self) -> Deployment:
        try:
            self._certificate()
            self.https = self.visitor()
            self._environment()
            for command in self._readme_setup():
                self.run(command)
            self._start_units()
            self._start_nginx()
            signed_in = self.https.log_in(ADMIN, PASSWORD)  # a refused sign-in is a redirect too, to /login/
            assert (signed_in.status, signed_in.headers["Location"]) == (302, "/"), self.logs()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _certificate(self) -> None:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(self.folder / "privkey.pem"), "-out", str(self.certificate)],
                       check=True, capture_output=True, timeout=60)

    def _environment(self) -> None:
        """``/etc/tempaid/tempaid.env`` from the template (mode 600), and the environment systemd gives."""
        secret = os.urandom(32).hex()
        values = {"DATABASE_URL": self.database_url, "SECRET_KEY": secret, "CELERY_BROKER_URL": self.redis_url,
                  "JOBS_REDIS_URL": self.redis_url, "RATELIMIT_STORAGE_URI": self.redis_url,
                  "JOBS_DASHBOARDS_EVERY": "1", "GUNICORN_BIND": f"127.0.0.1:{self.web}", "GUNICORN_WORKERS": "2"}
        template = mapped((DEPLOY / "tempaid.env.example").read_text(), self.places)
        path = self.folder / "tempaid.env"
        path.write_text(filled(template, values))
        path.chmod(0o600)
        self.home = self.folder / "home"  # the tempaid user's (the units let them write nowhere there)
        self.home.mkdir()
        self.environment = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", "HOME": str(self.home),
                            **environment_file(path.read_text())}

    def _readme_setup(self) -> list[str]:
        """The README's one-time commands (``$TEMPAID db upgrade && … && $TEMPAID fab create-admin``) as
        ``tempaid -e <the environment file> …``, as its ``TEMPAID=`` line says; the last one given its answers
        on the command line instead of at the prompts."""
        readme = (ROOT / "README.md").read_text()
        prefix = re.search(r'^TEMPAID="runuser -u tempaid -- env -i PATH=\S+ (\S+) -e (\S+)"$', readme, re.M)
        assert prefix and mapped(prefix.group(1), self.places) == sysconfig.get_path("scripts") + "/tempaid"
        assert mapped(prefix.group(2), self.places) == str(self.folder / "tempaid.env")
        line = re.search(r"^(\$TEMPAID db upgrade &&.*)$", readme, re.M).group(1)
        commands = [f"tempaid -e {self.folder / 'tempaid.env'} " + part.strip().removeprefix("$TEMPAID ")
                    for part in line.split("&&")]
        assert commands[-1].endswith(" fab create-admin"), commands
        commands[-1] += (f" --username {ADMIN} --firstname 县 --lastname 信息科 --email it@example.gov.cn"
                         f" --password {PASSWORD}")
        return commands

    def run(self, command: str) -> subprocess.CompletedProcess:
        """A command as the administrator types it: the venv's ``bin`` first on the PATH, and of the settings
        only what ``command`` itself reads (``tempaid -e FILE``)."""
        scripts = sysconfig.get_path("scripts")
        environment = {"PATH": f"{scripts}:{SYSTEM_PATH}", "LANG": "C.UTF-8", "HOME": str(self.home)}
        done = subprocess.run(shlex.split(command), env=environment, cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
        return done

    def _unit(self, name: str) -> dict[str, list[str]]:
        return unit_commands(mapped((DEPLOY / "systemd" / f"{name}.service").read_text(), self.places))

    def _start(self, name: str, command: str, **extra: str) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "w") as log:
            process = subprocess.Popen(shlex.split(command), env={**self.environment, **extra}, cwd=ROOT,
                                       stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                       preexec_fn=_die_with_parent)
        self.processes[name] = process
        return process

    def _start_units(self) -> None:
        web = self._unit("tempaid-web")
        assert Path(web["EnvironmentFile"][0]) == self.folder / "tempaid.env"
        for command in web["ExecStartPre"]:
            done = subprocess.run(shlex.split(command), env=self.environment, cwd=web["WorkingDirectory"][0],
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
        notify = self.folder / "notify"
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
            listener.bind(str(notify))
            listener.settimeout(120)
            self._start("web", web["ExecStart"][0], NOTIFY_SOCKET=str(notify))
            self.notified = listener.recv(4096).decode()  # Type=notify: systemd waits for this
        for name in ("worker", "beat"):
            unit = self._unit(f"tempaid-{name}")
            self._start(name, unit["ExecStart"][0])

    def _start_nginx(self, name: str = "nginx", places: dict | None = None) -> None:
        """nginx with the example site as its only one (``places``: where its paths and ports are)."""
        places = places or self.places
        (self.folder / f"{name}-site.conf").write_text(mapped((DEPLOY / "nginx" / "tempaid.conf").read_text(), places))
        temp = self.folder / f"{name}-temp"
        temp.mkdir()
        # as root (CI) the workers would otherwise be "nobody", who may not read a venv made under a
        # private temporary folder; a deployment's venv is world-readable and its workers www-data
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.folder / f"{name}.conf").write_text(
            f"{user}pid {self.folder}/{name}.pid;\nerror_log {self.folder}/{name}-error.log;\nevents {{}}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n  access_log {self.folder}/{name}-access.log;\n"
            + "".join(f"  {kind}_temp_path {temp}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi",
                                                                         "uwsgi", "scgi"))
            + f"  include {self.folder}/{name}-site.conf;\n}}\n")
        nginx = ["nginx", "-p", str(self.folder), "-e", str(self.folder / f"{name}-error.log"),
                 "-c", str(self.folder / f"{name}.conf")]
        checked = subprocess.run([*nginx, "-t"], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, checked.stderr
        self._start(name, shlex.join([*nginx, "-g", "daemon off;"]))
        port = re.search(r"listen 127\.0\.0\.1:(\d+) ssl", places["listen 443 ssl"]).group(1)
        client = Https(f"https://127.0.0.1:{port}", self.certificate)
        deadline = time.monotonic() + 30
        while not self._serving(client):
            assert time.monotonic() < deadline and self.processes[name].poll() is None, self.logs()
            time.sleep(0.2)

    def docker_host(self) -> Https:
        """The site on a machine that has the app only inside Docker (deploy/docker-compose.yml): nothing of
        ``/srv/tempaid`` on the disk nginx reads; a client of its own."""
        elsewhere = self.folder / "no-checkout"
        elsewhere.mkdir(exist_ok=True)
        https, http = free_port(), free_port()
        places = {**self.places, "/srv/tempaid": str(elsewhere),
                  "/srv/tempaid/.venv/lib/python3.11/site-packages/": f"{elsewhere}/",
                  "listen 80;": f"listen 127.0.0.1:{http};", "listen 443 ssl": f"listen 127.0.0.1:{https} ssl"}
        self._start_nginx(f"nginx-docker-host-{https}", places)
        return Https(f"https://127.0.0.1:{https}", self.certificate)

    @staticmethod
    def _serving(client: Https) -> bool:
        try:
            return client.get("/login/").status == 200
        except (OSError, http.client.HTTPException):  # not listening yet, or not answering yet
            return False

    # -- what the office sees
    def visitor(self) -> Https:
        """A browser of its own (no session yet)."""
        return Https(f"https://127.0.0.1:{self.https_port}", self.certificate)

    def job_row(self, label: str, seconds: float) -> str:
        """The row of the job list for ``label`` once it has ended, waiting up to ``seconds``."""
        deadline = time.monotonic() + seconds
        while True:
            page = self.https.get("/jobrunview/list/")
            assert page.status == 200, page.text
            ended = [row for row in rows(page.text) if label in row and ("成功" in row or "失败" in row)]
            if ended:
                return ended[0]
            assert time.monotonic() < deadline, "\n".join(rows(page.text)) + self.logs()
            time.sleep(1)

    def logs(self) -> str:
        """The end of every service's log, for a failure's message."""
        return "".join(f"\n--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
                       for path in sorted(self.folder.glob("*.log")))

    def errors(self) -> list[str]:
        """Every line of every log, whole, that reports an error."""
        return [f"{path.name}: {line}" for path in sorted(self.folder.glob("*.log"))
                for line in path.read_text(errors="replace").splitlines() if ERRORS.search(line)]

    def __exit__(self, *exc) -> None:
        for name, process in reversed(list(self.processes.items())):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGQUIT if name.startswith("nginx") else signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
