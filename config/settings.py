"""Settings for the Flask app, each overridable by an environment variable.

Why a module and not constants in the code: the deployment decides the database, the secret and the
rules directory; the code only supplies safe defaults. ``load_settings()`` returns a plain dict that
``create_app`` applies, so tests can override any key.

Environment:
    DATABASE_URL   SQLAlchemy URL (default: SQLite file ``instance/tempaid.db``)
    SECRET_KEY     session signing key (default: generated once into ``instance/secret_key``)
    RULES_DIR      directory of the county rule files (default: the project's ``rules/``)
    DOCUMENTS_DIR  decision-document templates: the city's, and ``<county code>/`` for a county's own
                   (default: the project's ``config/documents/``)
    TEMPAID_INSTANCE  instance directory (default: the project's ``instance/``)
    TEMPAID_DEMO   "1" enables demo mode (demo users with printed passwords); only run.py sets it
    SESSION_COOKIE_SECURE  "0" to allow the session cookie over plain HTTP (default: "1", except demo)
    TEMPAID_PROXIES        number of reverse proxies in front of the app (default 0)
    PASSWORD_MIN_LENGTH    the shortest password a user may set (default 10)
    RESERVE_FUND_CONFIRM_ABOVE  a reserve-fund allocation above this (yuan) asks for confirmation (200000)
    LIST_COUNT_CAP         a list counts its rows up to this many, then reads "more than …" (default 10000)
    RATELIMIT_STORAGE_URI  where login rate limits are counted, shared by all workers
                           (e.g. redis://127.0.0.1:6379/0; default: each worker's memory)
    CELERY_BROKER_URL      the job queue's broker (e.g. redis://127.0.0.1:6379/1); empty: jobs run eagerly
                           in the process that asks for them (the demo, the tests)
    JOBS_REDIS_URL         where the job locks live (default: the broker when it is Redis)
    JOBS_REMINDERS_AT, JOBS_STALE_CLAIMS_AT, JOBS_DISCLOSURE_AT  when ``tempaid beat`` starts the daily
                           jobs (China time, HH:MM)
    JOBS_DISCLOSURE_USER   the account (city scope) that posts the monthly disclosure lists; empty: by hand
    JOBS_DASHBOARDS_EVERY  minutes between refreshes of the dashboards' summary cells (default 5)
    JOBS_IMPACT_PROCESSES  processes a rule change's impact job is split over (default 0: one per core; 1: never)
    JOBS_IMPACT_SPLIT_FROM the fewest applications an impact job is split for (default 100000)
    SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_STARTTLS ("1"), SMTP_FROM
                           the office's mail server for reminder e-mails (none configured: no e-mail)
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from config import PROJECT_ROOT


def instance_dir() -> Path:
    path = Path(os.environ.get("TEMPAID_INSTANCE") or PROJECT_ROOT / "instance")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _secret_key(instance: Path) -> str:
    """The key from the environment, else one generated once and kept (mode 600) in the instance dir."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance / "secret_key"
    if not key_file.exists():
        # written to a private temporary name, then linked into place: workers starting together
        # never read a half-written key, and the first one to link wins
        tmp = instance / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, key_file)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return key_file.read_text().strip()


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'tempaid.db'}"
    # Heroku-style URLs and plain postgresql:// pick the psycopg 3 driver we ship.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _password_rules(password: str) -> None:
    from app.security.passwords import fab_validator  # the app package imports this module

    fab_validator(password)


def load_settings() -> dict:
    instance = instance_dir()
    demo = os.environ.get("TEMPAID_DEMO") == "1"
    return {
        "INSTANCE_DIR": str(instance),
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "RULES_DIR": os.environ.get("RULES_DIR") or str(PROJECT_ROOT / "rules"),
        "DOCUMENTS_DIR": os.environ.get("DOCUMENTS_DIR") or str(PROJECT_ROOT / "config" / "documents"),
        "DEMO_MODE": demo,
        "MAX_CONTENT_LENGTH": 1024 * 1024,  # 1 MB: no form or API body (a rule file included) is larger
        "JSON_MAX_DEPTH": 32,
        # SQLite (the demo): each transaction takes the write lock as it begins, so writers queue
        "SQLITE_BEGIN_IMMEDIATE": True,  # API bodies nest a few levels; Python's parser recurses on each one
        # Flask-AppBuilder
        "APP_NAME": "临时救助管理",
        "APP_THEME": "",
        "AUTH_TYPE": 1,  # AUTH_DB
        "AUTH_USER_REGISTRATION": False,
        "FAB_CREATE_DB": False,  # the schema comes from migrations only
        "FAB_UPDATE_PERMS": False,  # permissions are synced explicitly (app.security.sync)
        "FAB_SECURITY_MANAGER_CLASS": "app.security.manager.TempaidSecurityManager",
        "FAB_API_SWAGGER_UI": True,
        "FAB_API_MAX_PAGE_SIZE": 100,  # every list: at most 100 rows a page (documented in the OpenAPI document)
        "FAB_INDEX_VIEW": "app.views.home.HomeView",
        "FAB_BASE_TEMPLATE": "tempaid/base.html",  # FAB's layout plus the site's icon
        "FAB_ADD_SECURITY_API": False,
        "FAB_PASSWORD_HASH_METHOD": "scrypt",
        # the project's password rules (app/security/passwords.py), on FAB's forms and our own
        "FAB_PASSWORD_COMPLEXITY_ENABLED": True,
        "FAB_PASSWORD_COMPLEXITY_VALIDATOR": _password_rules,
        "PASSWORD_MIN_LENGTH": int(os.environ.get("PASSWORD_MIN_LENGTH", "10")),
        # a reserve-fund allocation above this many yuan is recorded only once the officer confirms it
        # (a plausibility check against typed zeros, not a limit of the notice)
        "RESERVE_FUND_CONFIRM_ABOVE": os.environ.get("RESERVE_FUND_CONFIRM_ABOVE", "200000"),
        # lists count their rows up to this many (app/web/list_counts.py): a count that grows with the
        # caseload would cost every list page seconds at a province's millions
        "LIST_COUNT_CAP": int(os.environ.get("LIST_COUNT_CAP", "10000")),
        # Babel: Chinese first, English on request
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "LANGUAGES": {
            "zh": {"flag": "cn", "name": "中文"},
            "en": {"flag": "gb", "name": "English"},
        },
        # Sessions and CSRF
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # behind HTTPS in production; the demo on http://127.0.0.1 could not keep a secure cookie
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0" if demo else "1") == "1",
        # how many reverse proxies stand in front (nginx: 1), so rate limits and the login audit see
        # the client's address, not the proxy's
        "PROXY_COUNT": int(os.environ.get("TEMPAID_PROXIES", "0")),
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(hours=12),
        # Login rate limiting (Flask-Limiter through FAB)
        "AUTH_RATE_LIMITED": True,
        "AUTH_RATE_LIMIT": os.environ.get("AUTH_RATE_LIMIT", "10 per 20 second"),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") == "1",
        # Account lock-out: this many failed logins within the window lock the name until it ends
        "AUTH_LOCKOUT_ATTEMPTS": int(os.environ.get("AUTH_LOCKOUT_ATTEMPTS", "5")),
        "AUTH_LOCKOUT_MINUTES": int(os.environ.get("AUTH_LOCKOUT_MINUTES", "15")),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Public pages (no login, app/public): per client address, counted in the same storage as the
        # login limits (Redis when RATELIMIT_STORAGE_URI says so, so every worker counts together)
        "PUBLIC_FORM_RATE_LIMIT": os.environ.get("PUBLIC_FORM_RATE_LIMIT", "5 per minute;30 per day"),
        "PUBLIC_LOOKUP_RATE_LIMIT": os.environ.get("PUBLIC_LOOKUP_RATE_LIMIT", "10 per minute;60 per day"),
        "PUBLIC_READ_RATE_LIMIT": os.environ.get("PUBLIC_READ_RATE_LIMIT", "60 per minute"),
        "PUBLIC_CAPTCHA_SECONDS": 600,  # a captcha answer is good this long, once
        # Lead photos (急难线索): two of at most 450 KB each fit the 1 MB body limit; stored re-encoded
        "LEAD_PHOTOS": {"count": 2, "bytes": 450 * 1024, "side": 1600},
        **_jobs_settings(),
    }


def _jobs_settings() -> dict:
    """The job queue (app/jobs) and the mail server its reminders use."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    return {
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", ""),
        "JOBS_REDIS_URL": os.environ.get("JOBS_REDIS_URL") or (broker if broker.startswith("redis") else ""),
        "JOBS_LOCK_SECONDS": int(os.environ.get("JOBS_LOCK_SECONDS", "3600")),
        "JOBS_RETRY_SECONDS": int(os.environ.get("JOBS_RETRY_SECONDS", "60")),
        "JOBS_REMINDERS_AT": os.environ.get("JOBS_REMINDERS_AT", "07:30"),
        "JOBS_STALE_CLAIMS_AT": os.environ.get("JOBS_STALE_CLAIMS_AT", "02:30"),
        "JOBS_DASHBOARDS_EVERY": int(os.environ.get("JOBS_DASHBOARDS_EVERY", "5")),
        "JOBS_IMPACT_PROCESSES": int(os.environ.get("JOBS_IMPACT_PROCESSES", "0")),
        "JOBS_IMPACT_SPLIT_FROM": int(os.environ.get("JOBS_IMPACT_SPLIT_FROM", "100000")),
        # the account (city scope) the monthly disclosure posting acts as; empty: posted by hand only
        "JOBS_DISCLOSURE_USER": os.environ.get("JOBS_DISCLOSURE_USER", ""),
        "JOBS_DISCLOSURE_AT": os.environ.get("JOBS_DISCLOSURE_AT", "06:00"),
        "SMTP_HOST": os.environ.get("SMTP_HOST", ""),
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "25")),
        "SMTP_USER": os.environ.get("SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": os.environ.get("SMTP_STARTTLS", "0") == "1",
        "SMTP_FROM": os.environ.get("SMTP_FROM", ""),
    }
