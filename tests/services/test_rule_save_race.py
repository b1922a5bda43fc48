"""Two administrators save the same file at the same moment, from the same opened version: exactly one
save lands and the other is refused as a clash — the directory lock makes "read the digest, check,
write" one step across threads and processes. Real commits (the saves commit themselves)."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete

from app.extensions import db
from app.models import RuleRevision
from app.rules.editing import RuleFile
from app.services import rule_edits
from tests.rule_edit_support import RENCHENG, served_copy
from tests.services.test_rule_edits import EFFECTIVE, proposal

pytestmark = pytest.mark.commits
CHECK_DELAY = 0.3  # seconds each save spends checking: long enough for the two to overlap without the lock


@pytest.fixture()
def postgres(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the test database on SQLite is one shared connection: two real sessions need PostgreSQL")


@pytest.mark.parametrize("locks", ["file and advisory", "advisory only (workers on several machines)"])
def test_of_two_saves_from_the_same_version_one_lands_and_the_other_is_refused(app, postgres, tmp_path,
                                                                               monkeypatch, locks):
    rules_dir = served_copy(app, tmp_path, monkeypatch)
    if locks.startswith("advisory only"):  # as if each save ran on a machine of its own
        monkeypatch.setattr(rule_edits.fcntl, "flock", lambda *_: None)
    opened = RuleFile(rules_dir, RENCHENG)
    texts = {"urban": proposal(rules_dir, **{"value:standards.dibao_monthly.urban": "960"})[1].text,
             "rural": proposal(rules_dir, **{"value:standards.dibao_monthly.rural": "760"})[1].text}
    real_check = rule_edits.check

    def slow_check(*args, **kwargs):
        time.sleep(CHECK_DELAY)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(rule_edits, "check", slow_check)
    start = threading.Barrier(2)
    outcomes: dict[str, tuple[str, int | None]] = {}

    def save(name: str) -> None:
        with app.app_context():
            session = db.session
            try:
                admin = app.appbuilder.sm.find_user(username="rule_admin_370811")
                start.wait()
                revision = rule_edits.save(session, admin, rules_dir, RENCHENG, texts[name], opened.digest,
                                           f"并发保存 {name}", effective=EFFECTIVE)
                outcomes[name] = ("saved", revision.id)
            except rule_edits.RuleEditRefused as exc:
                session.rollback()
                outcomes[name] = (exc.code, None)
            finally:
                session.remove()

    threads = [threading.Thread(target=save, args=(name,)) for name in texts]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(code for code, _ in outcomes.values()) == ["digest_moved", "saved"], outcomes
        winner = next(name for name, (code, _) in outcomes.items() if code == "saved")
        assert (rules_dir / RENCHENG).read_text(encoding="utf-8") == texts[winner]
    finally:
        with app.app_context():
            ids = [revision_id for _, revision_id in outcomes.values() if revision_id is not None]
            db.session.execute(delete(RuleRevision).where(RuleRevision.id.in_(ids)))
            db.session.commit()
            db.session.remove()
