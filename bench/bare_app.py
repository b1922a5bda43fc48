"""The app gunicorn serves in the load test: tempaid with the bare Flask-AppBuilder ModelViews and
ModelRestApi of bench/case_list.py beside it (their permissions granted once by the load test before the
server starts), so both sides of the comparison run in the same workers, on the same database, at the same
moment's load.

    gunicorn 'bench.bare_app:create_bench_app()'
"""
from __future__ import annotations


def create_bench_app():
    from app import create_app
    from bench.case_list import bare_api, bare_views

    app = create_app({"SYNC_ROLES_ON_START": False})  # a sync would take the bare grants away
    with app.app_context():
        bare_views(app, grant=False)
        bare_api(app, grant=False)
    return app
