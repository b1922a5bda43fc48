"""The rule editor's impact run as a background job, end to end: queued, computed with its progress on
record, the figures stored on the run — the path a worker takes (eager here, the same code).

    python bench/impact_job.py [--applications 50000] [--database-url URL]

Prints the seconds from queueing to the stored figures, the progress writes, and the process's peak
memory; the job runs three times — with the impact's decision path, without it (the per-row path), with
it again — and the ratio is printed. The applications are ``bench/engine.py``'s mix for 任城区, stored as cases of the last twelve
months (on a temporary SQLite database unless ``--database-url`` names an empty one of your own).
"""
from __future__ import annotations

import argparse
import functools
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from editor_impact import OneCounty, proposal  # noqa: E402
from engine import make_mix  # noqa: E402

COUNTY = "370811"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tempaid-impact-job-"))
    os.environ["TEMPAID_INSTANCE"] = str(work / "instance")
    os.environ.pop("CELERY_BROKER_URL", None)  # eager: the worker's code path in this process
    import shutil

    rules_dir = work / "rules"
    shutil.copytree(ROOT / "rules", rules_dir)
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from app import create_app
    from app.extensions import db
    from app.jobs import tasks
    from app.models import Case, Household, JobRun, Region
    from app.rules.loader import check_directory
    from app.rules.stored_rows import stored_row
    from app.security.sync import sync_security
    from app.rules import impact as impact_module
    from app.services import impact_runs, impact_split
    from app.services.regions import load_regions

    url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RULES_DIR": str(rules_dir), "SYNC_ROLES_ON_START": False})
    today = date.today()
    as_of = date(today.year + 1, 1, 1)
    current, _ = check_directory(rules_dir)
    mix = make_mix(OneCounty(current, COUNTY), args.applications, 2018)
    rel, edit = proposal(rules_dir, COUNTY, as_of, today)
    with app.app_context():
        upgrade(revision="heads")
        sync_security()
        session = db.session
        load_regions(session)
        region = session.scalar(select(Region).where(Region.code == COUNTY))
        town = min(region.children, key=lambda r: r.code)
        user = app.appbuilder.sm.add_user("bench", "b", "b", "bench@tempaid.invalid",
                                          app.appbuilder.sm.find_role("Admin"), "bench-password-1")
        household = Household(id_number="37081119800101001X", head_name="测", township=town, area="urban",
                              residency="local_hukou", size=3)
        session.add(household)
        session.flush()
        session.execute(insert(Case), [
            dict(number=f"J{i:09d}", household_id=household.id, county_id=region.id, township_id=town.id,
                 kind=data["kind"], category=data["category"], flow="x", state="closed",
                 application_date=today - timedelta(days=i % 360), inputs=data, decision_row=stored_row(data),
                 verdict={}, rules_digest="x",
                 eligible=False, deadlines={}, warnings=[], created_by_id=user.id) for i, data in enumerate(mix)])
        session.commit()
        run_ids = [impact_runs.start(user.id, rel, edit.text, as_of, today) for _ in range(3)]
        session.remove()
    with_columns = impact_split.impact
    runs = []
    for run_id, columns in zip(run_ids, (True, False, True)):
        # the same job, the impact told to skip its decision path for the middle run (the per-row path)
        impact_split.impact = with_columns if columns else functools.partial(with_columns, columns=False)
        start = time.perf_counter()
        tasks.impact_run.delay(run_id=run_id)
        seconds = time.perf_counter() - start
        with app.app_context():
            run = db.session.get(JobRun, run_id)
            runs.append((seconds, run.state, run.progress_done, run.progress_total, run.result or {}))
    impact_split.impact = with_columns
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    (seconds, state, done, total, figures), slow, again = runs
    print(f"impact job over {len(mix):,} stored applications ({url.split(':')[0]}): {state}, "
          f"{seconds:.2f} s then {again[0]:.2f} s queued → figures stored; progress {done:,}/{total:,} "
          f"(a write every {impact_module.PROGRESS_EVERY:,}); {figures.get('changed', 0):,} change; peak RSS {peak:.0f} MiB")
    print(f"the same job without the decision path, between those two: {slow[0]:.2f} s ({slow[1]}); "
          f"decision path / per-row = {slow[0] / min(seconds, again[0]):.2f}x; "
          f"figures {'the same' if slow[4] == figures == again[4] else 'DIFFERENT (a defect)'}")
    shutil.rmtree(work, ignore_errors=True)
    ok = all(run[1] == "succeeded" and run[4].get("applications") == len(mix) for run in runs)
    return 0 if ok and slow[4] == figures == again[4] else 1


if __name__ == "__main__":
    sys.exit(main())
