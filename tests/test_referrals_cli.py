"""``tempaid referrals return-stale`` puts claims left without aid back in the pool."""
import datetime as dt

from app.cli import cli
from app.models.audit import utcnow
from app.services.referrals import claim, refer
from tests.charity_support import charity_staff, make_case, make_project, user


def test_stale_claims_return_to_the_pool(app, session, rules):
    staff = charity_staff(app)
    make_project(session, staff.charity, categories=("illness",), regions=("370811",))
    stale, fresh = (refer(session, make_case(app, session, rules, approved=False),
                          user(app, "township_caseworker_370811"), "缺口", gap_money="100") for _ in range(2))
    claim(session, stale, staff, now=utcnow() - dt.timedelta(days=30))
    claim(session, fresh, staff)
    session.commit()
    result = app.test_cli_runner().invoke(cli, ["referrals", "return-stale"])
    assert result.exit_code == 0, result.output
    assert str(stale.id) in result.output.split() and "1 claim(s) returned to the pool" in result.output
    session.expire_all()
    assert (stale.state, fresh.state) == ("returned", "claimed")
