"""Overdue reminders (二、(二) time limits): a passed deadline reaches the users who take the case's next step
in its jurisdiction — not the caseworker who took it in (no self-approval of the step), not another county —
once per user, case and deadline; each user sees only their own, with the unread count in the navbar."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app.models import Notification, TempaidUser
from app.models.audit import utcnow
from app.services.intake import intake
from app.services.reminders import overdue_deadlines, remind_overdue, unread_count
from tests.conftest import csrf_token
from tests.services.test_workflow import user
from tests.support import make_household
from tests.test_deadlines_cli import FIRE


def _notified(session, case) -> dict[str, set[str]]:
    rows = session.execute(select(TempaidUser.username, Notification.deadline).join(
        Notification, Notification.user_id == TempaidUser.id).where(Notification.case_id == case.id)).all()
    found: dict[str, set[str]] = {}
    for username, deadline in rows:
        found.setdefault(username, set()).add(deadline)
    return found


def _late_fire(app, session, rules, county="370811"):
    # reported 2026-01-05 20:00: 先行救助 was due within 24 hours, long past now
    return intake(session, make_household(session, county), FIRE, user(app, f"township_caseworker_{county}"), rules)


def test_the_users_who_take_the_next_step_are_reminded_once(app, session, rules):
    late = _late_fire(app, session, rules)
    remind_overdue(session, utcnow())
    notified = _notified(session, late)
    assert notified["township_approver_370811"] == {"pre_assist_due"}
    assert "county_approver_370811" in notified and "city_bureau" in notified
    assert "township_caseworker_370811" not in notified  # took it in: may not pre-assist their own intake
    assert not {name for name in notified if name.endswith("_370881")}  # another county's staff
    assert not {name for name in notified if name.startswith(("finance_officer", "charity_staff", "supervisor"))}
    again = remind_overdue(session, utcnow())
    assert late.id not in {n.case_id for notes in again.notifications.values() for n in notes}
    assert _notified(session, late) == notified


def test_a_deadline_not_yet_passed_reminds_no_one(app, session, rules):
    late = _late_fire(app, session, rules)
    before = dt.datetime(2026, 1, 6, 11, 59, tzinfo=dt.timezone.utc)  # 19:59 China time, a minute early
    assert overdue_deadlines(late, before) == []
    remind_overdue(session, before)
    assert _notified(session, late) == {}
    after = dt.datetime(2026, 1, 6, 12, 1, tzinfo=dt.timezone.utc)
    assert [name for name, _due in overdue_deadlines(late, after)] == ["pre_assist_due"]


def test_each_user_sees_their_own_notifications_and_the_unread_count(app, session, rules, login_as):
    late = _late_fire(app, session, rules)
    remind_overdue(session, utcnow())
    session.commit()
    approver = user(app, "township_approver_370811")
    count = unread_count(session, approver)
    assert count >= 1
    client = login_as("township_approver_370811")
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'id="unread-count">%d<' % count, home)
    page = client.get("/notifications/").get_data(as_text=True)
    assert late.number in page and "先行救助" in page
    assert "pre_assist_due" not in page and "None" not in page
    note = session.scalar(select(Notification).where(Notification.case_id == late.id,
                                                     Notification.user_id == approver.id))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    stranger = login_as("township_approver_370881")
    stranger_token = csrf_token(app, stranger)
    assert stranger.post(f"/notifications/open/{note.id}", data={"csrf_token": stranger_token}).status_code == 404
    assert client.post(f"/notifications/open/{note.id}", data={"csrf_token": "wrong"}).status_code == 400
    opened = client.post(f"/notifications/open/{note.id}", data={"csrf_token": token})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/caseview/show/{late.id}")
    session.expire_all()
    assert note.read_at is not None and unread_count(session, approver) == count - 1


def _more_staff(app, session, how_many: int) -> list[TempaidUser]:
    """``how_many`` more township approvers of the first case's township, county approvers and city
    bureau staff (and some holding two roles), each responsible for a late case like the ones already there."""
    from app.models import Region

    sm = app.appbuilder.sm
    township = user(app, "township_approver_370811").region
    county = session.scalar(select(Region).where(Region.code == "370811"))
    kinds = [(["township_approver"], township), (["county_approver"], county), (["city_bureau"], county.parent),
             (["township_approver", "township_caseworker"], township)]
    staff = []
    role = {name: sm.find_role(name) for names, _region in kinds for name in names}
    for n in range(how_many):
        roles, region = kinds[n % len(kinds)]
        staff.append(TempaidUser(username=f"extra_staff_{n}", first_name="加", last_name=str(n), active=True,
                                 email=f"extra_staff_{n}@tempaid.invalid", password="-", region=region,
                                 roles=[role[name] for name in roles]))
    session.add_all(staff)
    session.flush()
    return staff


def test_the_reminders_cost_the_same_queries_for_forty_more_users(app, session, rules):
    from tests.sql_support import recorded

    first = _late_fire(app, session, rules)
    with recorded() as few:
        remind_overdue(session, utcnow())
    staff = _more_staff(app, session, 40)
    second = _late_fire(app, session, rules)
    with recorded() as many:
        reminded = remind_overdue(session, utcnow())
    assert len(many) == len(few), [s[:90] for s in many]
    for person in staff:  # every new user has both late cases, the first one's reminder included
        assert {note.case_id for note in reminded.notifications[person.id]} == {first.id, second.id}
    assert {n.case_id for n in reminded.notifications[user(app, "township_approver_370811").id]} == {second.id}
