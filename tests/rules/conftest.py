"""Fixtures of the engine tests: the fixture rule set (``fixtures/``), loaded once."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.rules import load_rules

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
FIXTURES_2026 = HERE / "fixtures-2026"
BROKEN = HERE / "broken"
CASES = HERE / "cases"


@pytest.fixture(scope="session")
def fixture_rules():
    """The fixture rule set: a city, three counties and a calendar.yaml listing an invented 2027."""
    return load_rules(FIXTURES)


@pytest.fixture(scope="session")
def fixture_rules_without_calendar(tmp_path_factory):
    """The same rules without calendar.yaml: 2027 is then a year nobody knows."""
    import shutil

    target = tmp_path_factory.mktemp("nocalendar") / "rules"
    shutil.copytree(FIXTURES, target, ignore=shutil.ignore_patterns("calendar.yaml"))
    return load_rules(target)


@pytest.fixture(scope="session")
def rules_2026():
    """The fixture rule set with the 2026 opinion: the city from 2026-01-29, 曲阜 (370881) from a later
    date of its own (2026-04-01, half a month of dibao, 2 days, 6 months)."""
    return load_rules(FIXTURES_2026)


@pytest.fixture(autouse=True, scope="session")
def _private_check_cache(tmp_path_factory):
    """The CLI's disk cache of checked files (app.rules.checkcache) goes to a temporary directory,
    never the user's ~/.cache, while the tests run."""
    import os

    previous = os.environ.get("TEMPAID_CACHE_DIR")
    os.environ["TEMPAID_CACHE_DIR"] = str(tmp_path_factory.mktemp("check-cache"))
    yield
    if previous is None:
        os.environ.pop("TEMPAID_CACHE_DIR", None)
    else:
        os.environ["TEMPAID_CACHE_DIR"] = previous
