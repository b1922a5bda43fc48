"""Crash safety (PostgreSQL): a worker killed with SIGKILL in the middle of its work leaves nothing
half-written.

- Payments: the process records emergency cash payments from the township reserve fund, one transaction
  each; it is killed after a payment row is written but before its fund movement. Every payment in the
  database has its movement, the fund's balance is its movements' sum, and the case it was paying has no
  payment at all.
- Rule save: the process is killed after the new rule file's temporary copy is on disk but before the
  rename. The file is the old one, byte for byte, and loads; a save run to its end leaves the new one, with
  its revision on record.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import Case, FundMovement, Household, Payment, ReserveFund, RuleRevision
from app.rules.editing import RuleFile, digest_of
from app.rules.loader import check_directory
from app.services.reserve_funds import allocate, reconcile
from tests.payment_support import emergency_case, user
from tests.rule_edit_support import RENCHENG, copy_rules

pytestmark = pytest.mark.commits
ROOT = Path(__file__).resolve().parents[2]
CASES = 12
KILL_AFTER = 4  # payments committed before the kill


@pytest.fixture()
def postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the kill tests run on PostgreSQL (TEST_DATABASE_URL): SQLite's demo has one writer")
    return database_url


def _child(database_url, *args, env=None):
    environment = {**os.environ, "DATABASE_URL": database_url, "CRASH_HOLD": "30", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "tests.crash.child", *args], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _read_until(process, wanted, timeout: float = 120) -> list[str]:
    """Lines of the child's stdout up to the first for which ``wanted(line)`` holds."""
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"the child ended early: {lines} {process.stderr.read()}")
        lines.append(line.strip())
        if wanted(lines[-1], lines):
            return lines
    raise AssertionError(f"timed out: {lines}")


def _kill(process) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(30)
    assert process.returncode == -signal.SIGKILL


@pytest.fixture()
def paying(app, postgres, rules):
    """A fund of 10000.00 and CASES emergency cases of 100.00 pre-assisted, committed; removed after."""
    with app.app_context():
        session = db.session
        town = user(app, "township_caseworker_370811").region
        fund_id = allocate(session, town, "allocation_county", "10000", "断电测试拨付",
                           user(app, "finance_officer_370811")).fund_id
        cases = [emergency_case(app, session, rules, "100", head_name="断电户").id for _ in range(CASES)]
        session.commit()
        session.remove()
    yield fund_id, cases
    with app.app_context():
        session = db.session
        households = session.scalars(select(Case.household_id).where(Case.id.in_(cases))).all()
        session.execute(delete(FundMovement.__table__).where(FundMovement.fund_id == fund_id))
        session.execute(delete(Payment.__table__).where(Payment.case_id.in_(cases)))
        session.execute(delete(ReserveFund.__table__).where(ReserveFund.id == fund_id))
        session.execute(delete(Case.__table__).where(Case.id.in_(cases)))
        session.execute(delete(Household.__table__).where(Household.id.in_(households)))
        session.commit()
        session.remove()


def test_a_worker_killed_while_recording_payments_leaves_each_whole_or_absent(app, postgres, paying):
    fund_id, cases = paying
    process = _child(postgres, "payments", *map(str, cases), env={"CRASH_HOLD_AFTER": str(KILL_AFTER)})
    lines = _read_until(process, lambda line, seen: line.startswith("inside")
                        and sum(s.startswith("committed") for s in seen) >= KILL_AFTER)
    _kill(process)
    committed = [int(line.split()[1]) for line in lines if line.startswith("committed")]
    killed_in = int(lines[-1].split()[1])
    assert len(committed) == KILL_AFTER and killed_in not in committed
    with app.app_context():
        session = db.session
        payments = session.scalars(select(Payment).where(Payment.case_id.in_(cases))).all()
        assert sorted(p.case_id for p in payments) == sorted(committed)  # the killed one left no row
        moved = dict(session.execute(select(FundMovement.payment_id, FundMovement.amount).where(
            FundMovement.fund_id == fund_id, FundMovement.payment_id.is_not(None))).all())
        assert {p.id for p in payments} == set(moved)  # every payment with its movement, and no other
        assert all(moved[p.id] == -p.amount for p in payments)
        balance, summed = reconcile(session, fund_id)
        assert balance == summed == Decimal("10000.00") - 100 * len(committed)
        assert session.scalar(select(func.count(Case.id)).where(Case.id == killed_in, Case.state == "paid")) == 0
        session.remove()


@pytest.fixture()
def rules_copy(tmp_path):
    return copy_rules(tmp_path)


def _proposal(rules_dir: Path) -> str:
    from app.rules.editform import changes_from_form, editor_form
    from app.rules.editing import propose
    import datetime as dt

    today = dt.date.today()
    rule_file = RuleFile(rules_dir, RENCHENG)
    form = editor_form(rule_file, today)
    fields = {"value:standards.dibao_monthly.urban": "990", "effective": dt.date(today.year + 1, 1, 1).isoformat()}
    return propose(rule_file, changes_from_form(form, fields), today, today).text


def test_a_worker_killed_while_saving_a_rule_leaves_the_old_file_whole(app, postgres, rules_copy, tmp_path):
    path = rules_copy / RENCHENG
    old = path.read_bytes()
    new_text = _proposal(rules_copy)
    text_file = tmp_path / "proposal.yaml.txt"
    text_file.write_text(new_text, encoding="utf-8")
    env = {"RULES_DIR": str(rules_copy)}
    process = _child(postgres, "rule_save", str(rules_copy), RENCHENG, str(text_file), digest_of(old), env=env)
    _read_until(process, lambda line, seen: line == "inside")
    _kill(process)
    assert path.read_bytes() == old  # never a mix: the old file, whole
    assert not [name for name in os.listdir(path.parent) if name.endswith(".yaml") and name.startswith(".")]
    assert check_directory(rules_copy)[1] == []  # the directory loads (a left temporary file is not a rule file)

    finished = _child(postgres, "rule_save", str(rules_copy), RENCHENG, str(text_file), digest_of(old),
                      env={**env, "CRASH_HOLD": "0"})
    out, err = finished.communicate(timeout=180)
    assert finished.returncode == 0, err
    assert path.read_bytes().decode("utf-8") == new_text
    with app.app_context():
        session = db.session
        revisions = session.scalars(select(RuleRevision).where(RuleRevision.file == RENCHENG,
                                                               RuleRevision.digest_before == digest_of(old))).all()
        assert digest_of(path.read_bytes()) in {r.digest_after for r in revisions}
        session.execute(delete(RuleRevision.__table__).where(RuleRevision.id.in_([r.id for r in revisions])))
        session.commit()
        session.remove()
