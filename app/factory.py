"""The application factory.

``AppBuilder`` is created inside the factory (a module-level one shared by two apps breaks ``/login/``),
and the schema comes only from migrations (``FAB_CREATE_DB`` off): ``tempaid db upgrade`` or
``python run.py`` create it, then :func:`app.security.sync.sync_security` writes roles and permissions.
"""
from __future__ import annotations

from flask import Flask
from flask_appbuilder import AppBuilder
from flask_babel import lazy_gettext as _l

import app.models  # noqa: F401  (registers every table on the metadata)
import app.services.audit  # noqa: F401  (the audit trail's session hooks)
import app.services.clocks  # noqa: F401  (the clock table follows the cases' deadlines)
import app.services.summary_marks  # noqa: F401  (a write marks the dashboards' summary cells it changes)
from app.extensions import csrf, db, fast_json_columns, migrate, sqlite_writes_queue
from app.security.api_csrf import init_api_csrf
from app.security.headers import init_headers
from app.security.sessions import init_sessions
from app.web.favicon import init_favicon
from app.web.rison_schema import init_rison_schema
from config import PROJECT_ROOT
from config.settings import load_settings


#: the brand in the navigation bar and the window title, in the reader's language (临时救助管理 in Chinese)
BRAND = _l("Temporary Assistance")


class TempaidAppBuilder(AppBuilder):
    """FAB's builder with the brand in the user's language: FAB reads ``APP_NAME`` as one fixed string,
    which left the English screens reading 临时救助管理. ``APP_NAME`` stays the sender name of mail."""

    @property
    def app_name(self) -> str:
        return str(BRAND)


def create_app(overrides: dict | None = None) -> Flask:
    settings = load_settings()
    settings.update(overrides or {})
    from app.web.routing import bound_row_ids
    from app.web.server_errors import LoggingFlask, init_errors

    flask_app = LoggingFlask(__name__, instance_path=settings["INSTANCE_DIR"])
    bound_row_ids(flask_app)
    flask_app.config.update(settings)

    if flask_app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = flask_app.config["PROXY_COUNT"]
        flask_app.wsgi_app = ProxyFix(flask_app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    sqlite_writes_queue(flask_app.config)
    fast_json_columns(flask_app.config)
    db.init_app(flask_app)
    migrate.init_app(flask_app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(flask_app)
    init_api_csrf(flask_app)
    init_sessions(flask_app)
    init_headers(flask_app)
    init_favicon(flask_app)
    init_rison_schema()  # the API's ?q= schema checked once, not on every request

    with flask_app.app_context():
        appbuilder = TempaidAppBuilder()
        appbuilder.init_app(flask_app, db.session)
        from app.views import register_views
        from app.api import register_apis

        register_views(appbuilder)
        register_apis(appbuilder)
        from app.public import init_public

        init_public(flask_app, appbuilder)  # no-login pages and /api/v1/public (outreach)
        appbuilder.post_init()
        _rate_limit_api_login(flask_app, appbuilder)
        for blueprint in flask_app.blueprints.values():
            if blueprint.url_prefix and blueprint.url_prefix.startswith("/api/"):
                csrf.exempt(blueprint)
        from app.services.rules import init_rules

        init_rules(flask_app)
        init_errors(flask_app)
        if flask_app.config.get("SYNC_ROLES_ON_START", True):
            _sync_roles_if_migrated(flask_app)
    from app.jobs import init_celery

    init_celery(flask_app)  # the job queue (eager without a broker)
    return flask_app


def _rate_limit_api_login(flask_app: Flask, appbuilder: AppBuilder) -> None:
    """FAB limits its login page; the API login gets the same limit, or it would be the way around it."""
    limiter = getattr(appbuilder.sm, "limiter", None)
    endpoint = "SecurityApi.login"
    if limiter is not None and flask_app.config.get("AUTH_RATE_LIMITED") and endpoint in flask_app.view_functions:
        flask_app.view_functions[endpoint] = limiter.limit(flask_app.config["AUTH_RATE_LIMIT"])(
            flask_app.view_functions[endpoint])


def _sync_roles_if_migrated(flask_app: Flask) -> None:
    """config/roles.yaml is written into the permission tables at every start, once the schema exists,
    one process at a time (app.security.boot_sync: several workers start together)."""
    from app.security.boot_sync import sync_roles_at_start

    sync_roles_at_start()
