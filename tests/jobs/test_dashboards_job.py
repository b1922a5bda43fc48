"""``tempaid.refresh_dashboards``: the township-months written since their summary cells were built are
rebuilt from their rows, and their markers go; the run is on record with how many it rebuilt."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, func, insert, select

from app.jobs import tasks

pytestmark = pytest.mark.commits


def test_the_refresh_rebuilds_what_writes_marked(app, celery, runs):
    from app.extensions import db
    from app.models import Region
    from app.models.summary import DashboardCell, DashboardStale

    with app.app_context():
        towns = db.session.execute(select(Region.id, Region.parent_id).where(Region.level == "township")
                                   .order_by(Region.id).limit(2)).all()
        db.session.execute(delete(DashboardStale))  # what earlier committing tests marked is not this test's
        db.session.execute(insert(DashboardStale), [{"township_id": t, "county_id": c, "month": dt.date(2026, 11, 1)}
                                                    for t, c in towns])
        db.session.commit()
    try:
        tasks.refresh_dashboards.delay()
        [run] = runs()
        assert (run.task, run.state, run.result) == ("tempaid.refresh_dashboards", "succeeded", {"rebuilt": 2})
        with app.app_context():
            assert db.session.scalar(select(func.count(DashboardStale.id))) == 0
    finally:
        with app.app_context():
            db.session.execute(delete(DashboardStale))
            db.session.execute(delete(DashboardCell).where(DashboardCell.month == dt.date(2026, 11, 1)))
            db.session.commit()
