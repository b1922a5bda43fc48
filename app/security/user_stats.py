"""Flask-AppBuilder's "User's Statistics" page, drawn without the internet.

FAB's own page (a DirectByChartView) loads Google Charts from the internet, so on the office intranet
it stays blank. This one keeps its name, menu entry and permission (Admin's, as before) and draws the
same two figures — logins and failed logins per user — as a server-side SVG (:mod:`app.web.charts`).
"""
from __future__ import annotations

from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.models import TempaidUser

TOP = 30  # users shown, most logins first


class UserStatsChartView(BaseView):
    route_base = "/userstatschartview"
    default_view = "chart"

    @expose("/chart/")
    @has_access
    def chart(self):
        from app.web.charts import bar_chart

        rows = self.appbuilder.session.execute(
            select(TempaidUser.username, TempaidUser.login_count, TempaidUser.fail_login_count)
            .order_by(TempaidUser.login_count.desc().nulls_last(), TempaidUser.username).limit(TOP)).all()
        names = [row.username for row in rows]
        svg = bar_chart(str(_l("User Statistics")), names,
                        [(str(_l("Login count")), [row.login_count or 0 for row in rows]),
                         (str(_l("Failed login count")), [row.fail_login_count or 0 for row in rows])])
        return self.render_template("tempaid/user_stats.html", svg=svg, rows=rows)
