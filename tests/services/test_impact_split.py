"""A big impact split over processes by case id says what one process says: the same figures, whatever
the split, its progress told to the end; and where a fork cannot help, it is not made."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from app.extensions import db
from app.rules.loader import check_directory
from app.services.impact_split import _can_fork, id_ranges, impact_of
from app.services.rule_edits import affected_counties, year_before
from app.services.rules import current_rules
from tests.crash.test_kill import _proposal
from tests.jobs.test_impact_runs import TODAY, applications  # noqa: F401 - a fixture
from tests.rule_edit_support import RENCHENG, served_copy


@given(first=st.integers(1, 10**6), count=st.integers(1, 500), parts=st.integers(1, 8))
def test_the_ranges_cover_every_id_once_in_order_and_evenly(first, count, parts):
    last = first + count - 1
    ranges = id_ranges(first, last, parts)
    assert len(ranges) == min(parts, count)
    assert ranges[0][0] == first and ranges[-1][1] == last
    assert all(a[1] + 1 == b[0] for a, b in zip(ranges, ranges[1:]))
    sizes = [end - start + 1 for start, end in ranges]
    assert max(sizes) - min(sizes) <= 1


def test_an_in_memory_database_is_never_split(tmp_path):
    assert not _can_fork(Session(create_engine("sqlite://")))
    assert _can_fork(Session(create_engine(f"sqlite:///{tmp_path / 'file.db'}")))


def test_a_job_in_a_thread_is_never_split(tmp_path):
    """The demo runs jobs in threads of its web server: a fork there would copy locks other threads hold."""
    found = []
    worker = threading.Thread(target=lambda: found.append(_can_fork(Session(create_engine(
        f"sqlite:///{tmp_path / 'file.db'}")))))
    worker.start()
    worker.join()
    assert found == [False]


def _figures(result):
    return {name: getattr(result, name) for name in type(result).__dataclass_fields__
            if name not in ("examples", "processes")}


@pytest.mark.commits
def test_a_split_impact_is_the_one_process_impact(app, applications, tmp_path, monkeypatch):  # noqa: F811
    rules_dir = served_copy(app, tmp_path, monkeypatch)
    as_of = dt.date(TODAY.year + 1, 1, 1)
    with app.app_context():
        current = current_rules()
        proposed, faults = check_directory(rules_dir, overrides={RENCHENG: _proposal(rules_dir)})
        assert not faults, faults
        counties, since, session = affected_counties(current, RENCHENG), year_before(TODAY), db.session
        alone = impact_of(session, current, proposed, counties, since, as_of, jobs=1)
        assert alone.applications >= 3 and alone.changed >= 3 and alone.processes == 1
        for jobs in (2, 3):
            ticks = []
            split = impact_of(session, current, proposed, counties, since, as_of, jobs=jobs, split_from=1,
                              progress=lambda done, total: ticks.append((done, total)))
            assert split.processes == jobs
            assert _figures(split) == _figures(alone)
            assert sorted(e.key for e in split.examples) == sorted(e.key for e in alone.examples)
            # the first tick is the parent's; the last is the sum of what the parts themselves counted
            assert ticks[0] == (0, alone.applications) and ticks[-1] == (alone.applications, alone.applications)
            assert [done for done, _ in ticks] == sorted(done for done, _ in ticks)
        below = impact_of(session, current, proposed, counties, since, as_of, jobs=2,
                          split_from=alone.applications + 1)
        assert below.processes == 1 and _figures(below) == _figures(alone)
        db.session.remove()


@pytest.mark.commits
def test_a_split_impact_reads_the_inputs_its_rows_cannot_decide(app, applications, tmp_path, monkeypatch):  # noqa: F811
    """The city wants 13 months of income: no stored row decides under the proposal, so every part reads
    those cases' inputs itself, and still says what one process says."""
    rules_dir = served_copy(app, tmp_path, monkeypatch)
    text = (rules_dir / "jining.yaml").read_text(encoding="utf-8")
    assert "    income_months: 12\n" in text
    as_of = dt.date(TODAY.year + 1, 1, 1)
    with app.app_context():
        current = current_rules()
        proposed, faults = check_directory(rules_dir, overrides={
            "jining.yaml": text.replace("    income_months: 12\n", "    income_months: 13\n")})
        assert not faults, faults
        counties, since, session = affected_counties(current, "jining.yaml"), year_before(TODAY), db.session
        alone = impact_of(session, current, proposed, counties, since, as_of, jobs=1)
        assert alone.applications >= 3 and alone.errors_after >= 3 and alone.errors_before == 0
        split = impact_of(session, current, proposed, counties, since, as_of, jobs=2, split_from=1)
        assert split.processes == 2 and _figures(split) == _figures(alone) and split.examples == alone.examples
        db.session.remove()
