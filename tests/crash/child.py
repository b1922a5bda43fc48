"""The process the crash tests kill (SIGKILL): it records payments or saves a rule file as a worker would,
and says on stdout where it is, so the test can kill it in the middle of the work.

    python -m tests.crash.child payments CASE_ID...     (DATABASE_URL: the test database)
    python -m tests.crash.child rule_save RULES_DIR REL TEXT_FILE DIGEST

``inside`` is printed at the point the test kills: a payment row written to the database but its fund
movement not yet (payments); the new rule file's temporary copy written but not yet renamed (rule_save).
"""
from __future__ import annotations

import os
import sys
import time

HOLD = float(os.environ.get("CRASH_HOLD", "0.3"))
#: payments committed before the one that holds (and is killed)
HOLD_AFTER = int(os.environ.get("CRASH_HOLD_AFTER", "0"))


def say(*words) -> None:
    print(*words, flush=True)


def payments(case_ids: list[int]) -> None:
    from app.extensions import db
    from app.models import Case
    from app.services import payments as service
    from app.services.rules import current_rules

    real_draw = service.draw
    committed = []

    def slow_draw(session, fund, amount, reason, user, payment=None, **kwargs):
        session.flush()  # the payment row is in the database, inside this transaction
        if len(committed) >= HOLD_AFTER:
            say("inside", payment.case_id)
            time.sleep(HOLD)
        return real_draw(session, fund, amount, reason, user, payment=payment, **kwargs)

    service.draw = slow_draw
    session = db.session
    caseworker = app.appbuilder.sm.find_user(username="township_caseworker_370811")
    for case_id in case_ids:
        service.record_payment(session, session.get(Case, case_id), caseworker, "cash", "100", current_rules(),
                               paid_on="2026-11-20", from_reserve_fund=True)
        session.commit()
        committed.append(case_id)
        say("committed", case_id)


def rule_save(rules_dir: str, rel: str, text_file: str, digest: str) -> None:
    from app.extensions import db
    from app.services import rule_edits

    real_fsync = os.fsync

    def slow_fsync(fd):
        real_fsync(fd)
        if os.path.basename(os.readlink(f"/proc/self/fd/{fd}")).endswith(".tmp"):
            say("inside")  # the temporary file is whole on disk; the rename has not happened
            time.sleep(HOLD)

    os.fsync = slow_fsync
    text = open(text_file, encoding="utf-8").read()
    user = app.appbuilder.sm.find_user(username="rule_admin_370811")
    rule_edits.save(db.session, user, rules_dir, rel, text, digest, "断电测试")
    say("saved")


if __name__ == "__main__":
    from app import create_app

    app = create_app({"SYNC_ROLES_ON_START": False})
    with app.app_context():
        if sys.argv[1] == "payments":
            payments([int(arg) for arg in sys.argv[2:]])
        else:
            if sys.argv[2:3]:
                from app.rules import RuleStore

                app.extensions["tempaid_rules"] = RuleStore(sys.argv[2])
            rule_save(*sys.argv[2:6])
    say("done")
