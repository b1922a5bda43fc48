"""RuleStore: a bad edit never replaces the rules in force; edits are picked up without a restart."""
from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from app.rules import RuleStore, RulesInvalid, evaluate

from .conftest import BROKEN, FIXTURES
from .test_cli import APPLICATION

COUNTY = "counties/370830-wenshang.yaml"


@pytest.fixture()
def rules_dir(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(FIXTURES, target)
    return target


def _edit(path, text):
    path.write_text(text, encoding="utf-8")
    stat = path.stat()  # make sure the mtime moves even on coarse clocks
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _limit(store):
    return evaluate(dict(APPLICATION, cost="1000"), store.current)["checks"][1]["limit"]


def test_reload_with_faults_keeps_the_last_valid_rules(rules_dir):
    store = RuleStore(rules_dir)
    before = store.current
    digest = store.digest
    county = rules_dir / COUNTY
    original = county.read_text(encoding="utf-8")
    _edit(county, original + "standards:\n  dibao_monthly:\n    urban: lots\n")
    faults = store.reload()
    assert [f.where for f in faults] == [f"{COUNTY}:8"]  # the appended "urban: lots"
    assert store.faults == faults
    assert store.current is before and store.digest == digest
    assert _limit(store) == "600"
    assert county.read_text(encoding="utf-8").endswith("urban: lots\n")  # the file itself is untouched


def test_reload_with_a_valid_edit_switches_rules_and_digest(rules_dir):
    store = RuleStore(rules_dir)
    digest = store.digest
    county = rules_dir / COUNTY
    _edit(county, county.read_text(encoding="utf-8") + "standards:\n  dibao_monthly:\n    urban: 610\n")
    assert store.reload() == []
    assert store.digest != digest
    assert _limit(store) == "610"


def test_refresh_if_changed_is_a_no_op_until_a_file_changes(rules_dir):
    store = RuleStore(rules_dir, check_interval=0)
    before = store.current
    assert store.refresh_if_changed() is None and store.current is before
    county = rules_dir / COUNTY
    _edit(county, county.read_text(encoding="utf-8") + "approval:\n  township_limit: 2500\n")
    assert store.refresh_if_changed() == []
    assert store.current is not before
    effective = store.current.effective("370830", date(2019, 3, 15))
    assert effective["approval"]["township_limit"] == {"value": 2500, "source": f"{COUNTY}:7"}
    assert store.refresh_if_changed() is None


def test_refresh_if_changed_waits_for_its_interval(rules_dir):
    store = RuleStore(rules_dir, check_interval=3600)
    store.refresh_if_changed(force=True)
    county = rules_dir / COUNTY
    _edit(county, county.read_text(encoding="utf-8") + "approval:\n  township_limit: 2500\n")
    assert store.refresh_if_changed() is None  # too soon to look
    assert store.refresh_if_changed(force=True) == []


def test_a_bad_edit_seen_by_refresh_keeps_serving_and_reports(rules_dir):
    store = RuleStore(rules_dir, check_interval=0)
    before = store.current
    _edit(rules_dir / "jining.yaml", "region: [\n")
    faults = store.refresh_if_changed()
    assert faults and faults[0].file == "jining.yaml"
    assert store.current is before


def test_digest_is_stable_and_content_addressed(rules_dir, fixture_rules):
    assert RuleStore(rules_dir).digest == RuleStore(rules_dir).digest == fixture_rules.digest
    assert len(fixture_rules.digest) == 64


def test_a_store_cannot_start_on_invalid_rules():
    with pytest.raises(RulesInvalid):
        RuleStore(BROKEN / "unknown-key")


def test_a_file_saved_while_the_directory_is_read_is_read_again(rules_dir, monkeypatch):
    """Never a mix of two versions: a file that moves during a reload makes the store read again."""
    import app.rules.store as store_module

    store = RuleStore(rules_dir)
    county = rules_dir / COUNTY
    edited = county.read_text(encoding="utf-8") + "standards:\n  dibao_monthly:\n    urban: 610\n"
    real_check = store_module.check_directory
    reads = []

    def saved_meanwhile(*args, **kwargs):
        result = real_check(*args, **kwargs)
        reads.append(result[0].digest)
        if len(reads) == 1:  # another worker's save lands while this one reads
            _edit(county, edited)
        return result

    monkeypatch.setattr(store_module, "check_directory", saved_meanwhile)
    assert store.reload() == []
    assert len(reads) == 2 and reads[0] != reads[1]
    assert store.digest == reads[1] and _limit(store) == "610"
    assert store.refresh_if_changed(force=True) is None  # the signature kept is the file's as read
