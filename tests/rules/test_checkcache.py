"""The disk cache of checked rule files: a second start reads no YAML; a changed file is checked
again; a cache someone else could have written, or a damaged one, is never read."""
from __future__ import annotations

import os
import shutil

import pytest

from app.rules import checkcache, loader
from app.rules.checkcache import cache_file, check_directory_cached

from .conftest import BROKEN, FIXTURES


@pytest.fixture()
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TEMPAID_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture()
def rules_dir(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(FIXTURES, target)
    return target


def parses(monkeypatch):
    """Count the files the loader parses."""
    seen = []
    real = loader.parse
    monkeypatch.setattr(loader, "parse", lambda text, rel: seen.append(rel) or real(text, rel))
    return seen


def test_the_second_load_parses_nothing_and_gives_the_same_rules(cache_home, rules_dir, monkeypatch):
    seen = parses(monkeypatch)
    first, faults = check_directory_cached(rules_dir)
    assert not faults and len(seen) == 5
    assert cache_file().is_file() and oct(cache_home.stat().st_mode & 0o777) == "0o700"
    seen.clear()
    second, faults = check_directory_cached(rules_dir)
    assert not faults and seen == []
    assert second.digest == first.digest and second.counties() == first.counties()
    assert second.effective("370811", first.county("370811").dates[-1]) == \
        first.effective("370811", first.county("370811").dates[-1])


def test_a_changed_file_is_checked_again_and_its_faults_reported(cache_home, rules_dir, monkeypatch):
    check_directory_cached(rules_dir)
    seen = parses(monkeypatch)
    city = rules_dir / "jining.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("township_limit: 3000", "township_limit: -1"),
                    encoding="utf-8")
    rules, faults = check_directory_cached(rules_dir)
    assert seen == ["jining.yaml"]
    assert rules is None and any("township_limit" in str(fault) for fault in faults)


def test_a_cache_writable_by_others_or_damaged_is_ignored(cache_home, rules_dir, monkeypatch):
    check_directory_cached(rules_dir)
    path = cache_file()
    os.chmod(path, 0o666)
    assert checkcache.read() == {}
    os.chmod(path, 0o600)
    assert checkcache.read() != {}
    path.write_bytes(b"not a pickle")
    assert checkcache.read() == {}
    rules, faults = check_directory_cached(rules_dir)  # re-checked and the cache rewritten
    assert rules is not None and not faults and checkcache.read() != {}


def test_an_unwritable_cache_directory_only_costs_the_check(tmp_path, monkeypatch, rules_dir):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("TEMPAID_CACHE_DIR", str(blocker / "cache"))  # under a file: cannot be made
    rules, faults = check_directory_cached(rules_dir)
    assert rules is not None and not faults


def test_a_broken_directory_gives_the_same_faults_with_the_cache(cache_home):
    directory = BROKEN / "two-faults-two-files"
    assert check_directory_cached(directory)[1] == loader.check_directory(directory)[1]
    assert check_directory_cached(directory)[1] == loader.check_directory(directory)[1]
