"""Benchmark of the rule editor's impact: 50,000 applications under the current and the proposed rules.

    python bench/editor_impact.py [--rules DIR] [--applications 50000] [--county 370811] [--check]
                                  [--database | --database-url URL]

The proposal is the user story of the editor: the county raises its urban dibao standard (by 5 %) and
lowers its township approval limit from a day next year. It is made as the editor makes it (a round-trip
edit of the county file), checked and built once from the in-memory text (``check_directory`` with
``overrides``), then every application is evaluated under both rule sets (``app.rules.impact``).
The applications are the varied mix of ``bench/engine.py`` for one county.

Target: the impact of 50,000 applications in under 5 seconds (one core). ``--database`` also measures
the whole service path on a temporary SQLite database (``--database-url``: on an empty database of
your own, such as PostgreSQL) holding the applications as stored cases: reading the county's last twelve months of ``Case.inputs`` and computing the impact.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from app.rules.editform import changes_from_form, editor_form  # noqa: E402
from app.rules.editing import RuleFile, propose  # noqa: E402
from app.rules.impact import impact  # noqa: E402
from app.rules.loader import check_directory  # noqa: E402
from engine import make_mix  # noqa: E402

TARGET_SECONDS = 5.0


class OneCounty:
    """A rule set that offers a single county to the mix generator."""

    def __init__(self, rules, code: str):
        self._rules, self._code = rules, code

    def counties(self):
        return [self._code]

    def __getattr__(self, name):
        return getattr(self._rules, name)


def proposal(rules_dir: Path, county: str, as_of: date, today: date):
    rules, _ = check_directory(rules_dir)
    rel = rules.county(county).file
    rule_file = RuleFile(rules_dir, rel)
    form = editor_form(rule_file, today)
    urban = next(v for v in form.values if v.path == "standards.dibao_monthly.urban")
    limit = next(v for v in form.values if v.path == "approval.township_limit")
    data = {"effective": as_of.isoformat(),
            urban.name: str(round(int(urban.shown) * 1.05)),
            limit.name: str(int(limit.shown) - 500)}
    return rel, propose(rule_file, changes_from_form(form, data), today, today)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    parser.add_argument("--applications", type=int, default=50_000)
    parser.add_argument("--county", default="370811")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--database", action="store_true", help="also time the service path on SQLite")
    parser.add_argument("--database-url", help="time the service path on this (empty) database instead, "
                                               "e.g. postgresql://postgres@127.0.0.1:5432/bench")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="tempaid-bench-"))
    rules_dir = work / "rules"
    shutil.copytree(args.rules, rules_dir)
    today = date.today()
    as_of = date(today.year + 1, 1, 1)

    current, faults = check_directory(rules_dir)
    assert not faults, faults
    start = time.perf_counter()
    mix = make_mix(OneCounty(current, args.county), args.applications, args.seed)
    print(f"applications: {len(mix):,} of county {args.county} ({time.perf_counter() - start:.1f} s to generate)")

    start = time.perf_counter()
    rel, proposed_edit = proposal(rules_dir, args.county, as_of, today)
    edited = time.perf_counter() - start
    print(proposed_edit.diff)
    start = time.perf_counter()
    proposed, faults = check_directory(rules_dir, overrides={rel: proposed_edit.text})
    built = time.perf_counter() - start
    assert not faults, faults
    current, _ = check_directory(rules_dir)  # fresh: the loop below starts with cold caches

    start = time.perf_counter()
    result = impact(current, proposed, enumerate(mix), as_of)
    seconds = time.perf_counter() - start
    print(f"edit: {edited * 1000:.0f} ms; check + build the proposed rules: {built * 1000:.0f} ms")
    print(f"impact on {as_of}: {result.applications:,} applications, {result.changed:,} change "
          f"(eligibility {result.changed_eligibility:,}, approval level {result.changed_level:,}, "
          f"amount {result.changed_amount:,}); total suggested {result.total_before:,} -> {result.total_after:,}")
    print(f"quick aid (小额快救): {result.quick_before:,} → {result.quick_after:,} applications, "
          f"{result.quick_total_before} → {result.quick_total_after} yuan")
    print(f"impact of {result.applications:,} applications: {seconds:.2f} s "
          f"({2 * result.applications / seconds:,.0f} evaluations/s; target < {TARGET_SECONDS:.0f} s)")
    ok = seconds < TARGET_SECONDS
    if args.database or args.database_url:
        url = args.database_url or f"sqlite:///{work / 'bench.db'}"
        total = database_path(work, url, rules_dir, rel, proposed_edit, mix, args.county, as_of, today)
        print(f"service path (read {len(mix):,} stored applications + impact): {total:.2f} s")
        ok = ok and total < TARGET_SECONDS
    print("target:", "met" if ok else "MISSED")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok or not args.check else 1


def database_path(work: Path, url: str, rules_dir: Path, rel: str, edit, mix, county: str, as_of: date, today: date) -> float:
    """Store the mix as cases of the county (in the last twelve months) and time the service."""
    import os

    os.environ.setdefault("TEMPAID_INSTANCE", str(work / "instance"))
    from flask_migrate import upgrade
    from sqlalchemy import insert, select

    from app import create_app
    from app.models import Case, Household, Region
    from app.security.sync import sync_security
    from app.services.regions import load_regions
    from app.services.rule_edits import proposal_impact

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RULES_DIR": str(rules_dir),
                      "SYNC_ROLES_ON_START": False})
    with app.app_context():
        upgrade(revision="heads")
        sync_security()
        session = app.appbuilder.session
        load_regions(session)
        region = session.scalar(select(Region).where(Region.code == county))
        town = min(region.children, key=lambda r: r.code)
        user = app.appbuilder.sm.add_user("bench", "b", "b", "bench@tempaid.invalid",
                                          app.appbuilder.sm.find_role("Admin"), "bench-password-1")
        household = Household(id_number="37081119800101001X", head_name="测", township=town, area="urban",
                              residency="local_hukou", size=3)
        session.add(household)
        session.flush()
        rows = [dict(number=f"B{i:09d}", household_id=household.id, county_id=region.id, township_id=town.id,
                     kind=data["kind"], category=data["category"], flow="x", state="closed",
                     application_date=today - timedelta(days=i % 360), inputs=data, verdict={}, rules_digest="x",
                     eligible=False, deadlines={}, warnings=[], created_by_id=user.id)
                for i, data in enumerate(mix)]
        session.execute(insert(Case), rows)
        session.commit()
        start = time.perf_counter()
        result = proposal_impact(session, app.extensions["tempaid_rules"].current, rules_dir, rel, edit.text,
                                 as_of, today)
        seconds = time.perf_counter() - start
        assert result.applications == len(mix), result.applications
        return seconds


if __name__ == "__main__":
    sys.exit(main())
