"""Leads (急难线索): a report lands in its township's inbox with the county's clock; the township accepts it
into a case, merges it or closes it with a reason; overdue leads are listed; photos are checked."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from sqlalchemy import select

from app.models import Case, Lead, Region
from app.services.intake import IntakeRefused
from app.services.leads import LeadInvalid, LeadRefused, accept, close, merge, overdue_leads, report
from app.services.users import home_region
from tests.support import fresh_id_number, make_household

HERE = Path(__file__).parent
REPORTS = yaml.safe_load((HERE / "lead_reports.yaml").read_text(encoding="utf-8"))
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)
PHOTOS = {"count": 2, "bytes": 450 * 1024, "side": 1600}
FIRE = {"kind": "emergency", "category": "incident:fire", "severity": "light",
        "application_date": "2026-11-30", "reported_at": "2026-11-30T16:00:00+08:00", "requested_amount": "800"}


def user(app, username):
    return app.appbuilder.sm.find_user(username=username)


def township(session, county="370811") -> Region:
    return home_region("township", session.scalar(select(Region).where(Region.code == county)))


def good(session, **fields) -> dict:
    return {"person_name": "王五", "phone": "13800000000", "township_id": str(township(session).id),
            "village": "东村", "address": "东村12号", "category": "incident:fire", "severity": "urgent",
            "description": "夜里失火，房屋烧毁，一家三口无处居住", **fields}


def grid(app):
    return user(app, "grid_worker_370811")


@pytest.mark.parametrize("case", REPORTS, ids=[c["name"] for c in REPORTS])
def test_report_table(case, app, session, rules):
    fields = good(session, **case["fields"])
    for name, times in (case.get("repeat") or {}).items():
        fields[name] = fields[name] * times
    before = session.scalar(select(Lead.id).order_by(Lead.id.desc()).limit(1))
    if not case["problems"]:
        lead = report(session, fields, rules, grid(app), now=NOW)
        assert lead.state == "new" and lead.township_id == township(session).id
        return
    with pytest.raises(LeadInvalid) as invalid:
        report(session, fields, rules, grid(app), now=NOW)
    assert invalid.value.problems == case["problems"]
    assert session.scalar(select(Lead.id).order_by(Lead.id.desc()).limit(1)) == before


def test_an_urgent_lead_gets_jinings_24_hours_and_an_ordinary_one_its_own(app, session, rules):
    urgent = report(session, good(session), rules, grid(app), now=NOW)
    ordinary = report(session, good(session, severity="ordinary"), rules, grid(app), now=NOW)
    assert urgent.first_contact_due == NOW + dt.timedelta(hours=24)
    assert ordinary.first_contact_due == NOW + dt.timedelta(hours=72)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.integers(min_value=0, max_value=60 * 24 * 300), urgent=st.booleans())
def test_the_clock_is_always_the_rule_hours_after_the_report(app, session, rules, minutes, urgent):
    """Whenever it is reported, a lead is due the county's hours later (rows added meanwhile are rolled
    back with the test's transaction)."""
    moment = NOW - dt.timedelta(minutes=minutes)
    lead = report(session, good(session, severity="urgent" if urgent else "ordinary"), rules, grid(app), now=moment)
    assert lead.first_contact_due - lead.reported_at == dt.timedelta(hours=24 if urgent else 72)


def test_a_grid_worker_reports_only_in_their_county(app, session, rules):
    with pytest.raises(LeadInvalid) as invalid:
        report(session, good(session, township_id=str(township(session, "370881").id)), rules, grid(app), now=NOW)
    assert invalid.value.problems == {"township_id": "scope"}


def test_the_public_must_leave_a_phone(app, session, rules):
    with pytest.raises(LeadInvalid) as invalid:
        report(session, good(session, phone=""), rules, None, now=NOW)
    assert invalid.value.problems == {"phone": "required"}
    assert report(session, good(session), rules, None, now=NOW).source == "public"


def _jpeg(size=(2400, 1800), exif=True) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif:
        data = image.getexif()
        data[0x010F] = "PhoneMaker"  # Make
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def test_photos_are_re_encoded_small_and_without_metadata(app, session, rules):
    lead = report(session, good(session), rules, grid(app), photos=[_jpeg()], photo_limits=PHOTOS, now=NOW)
    (photo,) = lead.photos
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.format == "JPEG" and max(stored.size) == 1600
    assert not stored.getexif() and len(photo.token) >= 40


@pytest.mark.parametrize("uploads, code", [
    ([b"<?php echo 1; ?>"], "not_an_image"),
    ([b"GIF89a" + b"\0" * 100], "not_an_image"),
    ([b"\xff" * (PHOTOS["bytes"] + 1)], "too_large"),
    ([_jpeg((10, 10), False)] * 3, "too_many"),
])
def test_what_is_no_photo_is_refused_and_nothing_saved(app, session, rules, uploads, code):
    count = session.query(Lead).count()
    with pytest.raises(LeadInvalid) as invalid:
        report(session, good(session), rules, grid(app), photos=uploads, photo_limits=PHOTOS, now=NOW)
    assert invalid.value.problems == {"photos": code}
    assert session.query(Lead).count() == count


def test_the_township_accepts_a_fire_into_a_case_of_the_household_found_by_id_number(app, session, rules):
    household = make_household(session, "370811")
    lead = report(session, good(session, id_number=household.id_number), rules, grid(app), now=NOW)
    caseworker = user(app, "township_caseworker_370811")
    case = accept(session, lead, caseworker, rules, FIRE, now=NOW + dt.timedelta(hours=2))
    assert case.household_id == household.id and case.kind == "emergency"
    assert lead.state == "accepted" and lead.case_id == case.id and lead.handled_by_id == caseworker.id
    assert case.incident == lead.description and "东村" in case.incident_place


def test_accepting_without_a_registered_household_takes_the_new_one(app, session, rules):
    from app.models import Household

    lead = report(session, good(session), rules, grid(app), now=NOW)
    caseworker = user(app, "township_caseworker_370811")
    with pytest.raises(LeadRefused) as refused:
        accept(session, lead, caseworker, rules, FIRE, now=NOW)
    assert refused.value.code == "household_required"
    new = Household(id_number=fresh_id_number(), head_name=lead.person_name, township=lead.township,
                    area="rural", residency="local_hukou", size=3)
    case = accept(session, lead, caseworker, rules, FIRE, household=new, now=NOW)
    assert case.household.head_name == "王五" and new.id is not None


def test_a_refused_intake_leaves_the_lead_open(app, session, rules):
    household = make_household(session, "370811")
    caseworker = user(app, "township_caseworker_370811")
    first = report(session, good(session, id_number=household.id_number), rules, grid(app), now=NOW)
    accept(session, first, caseworker, rules, FIRE, now=NOW)
    second = report(session, good(session, id_number=household.id_number), rules, grid(app), now=NOW)
    with pytest.raises(IntakeRefused):
        accept(session, second, caseworker, rules, FIRE, now=NOW)
    assert second.state == "new" and second.case_id is None


def test_merge_and_close(app, session, rules):
    household = make_household(session, "370811")
    caseworker = user(app, "township_caseworker_370811")
    first = report(session, good(session, id_number=household.id_number), rules, grid(app), now=NOW)
    case = accept(session, first, caseworker, rules, FIRE, now=NOW)
    again = report(session, good(session), rules, None, now=NOW)
    with pytest.raises(LeadInvalid) as invalid:
        merge(session, again, "NO-SUCH", caseworker)
    assert invalid.value.problems == {"case_number": "unknown"}
    merge(session, again, case.number, caseworker)
    assert again.state == "merged" and again.case_id == case.id
    third = report(session, good(session), rules, None, now=NOW)
    with pytest.raises(LeadInvalid):
        close(session, third, caseworker, "   ")
    close(session, third, caseworker, "核实后家庭已由亲属安置")
    assert third.state == "closed" and third.close_reason == "核实后家庭已由亲属安置"
    with pytest.raises(LeadRefused) as refused:
        close(session, third, caseworker, "again")
    assert refused.value.code == "not_open"


@pytest.mark.parametrize("username", ["township_caseworker_370881", "grid_worker_370811", "charity_staff_370811"])
def test_nobody_outside_the_township_triages(app, session, rules, username):
    lead = report(session, good(session), rules, grid(app), now=NOW)
    with pytest.raises(LeadRefused) as refused:
        close(session, lead, user(app, username), "not mine")
    assert refused.value.code == "scope" and lead.state == "new"


def test_overdue_leads_are_the_open_ones_past_their_clock(app, session, rules):
    late = report(session, good(session), rules, grid(app), now=NOW - dt.timedelta(hours=30))
    fresh = report(session, good(session), rules, grid(app), now=NOW)
    handled = report(session, good(session), rules, grid(app), now=NOW - dt.timedelta(hours=30))
    close(session, handled, user(app, "township_caseworker_370811"), "已核实")
    overdue = overdue_leads(session, NOW)
    assert late in overdue and fresh not in overdue and handled not in overdue
    assert late not in overdue_leads(session, NOW, "370881")


def test_a_grid_worker_sees_only_their_own_leads(app, session, rules):
    from app.security.scope import scope_clause

    mine = report(session, good(session), rules, grid(app), now=NOW)
    theirs = report(session, good(session), rules, None, now=NOW)
    seen = set(session.scalars(select(Lead.id).where(scope_clause(Lead, grid(app)))))
    assert mine.id in seen and theirs.id not in seen
    township_seen = set(session.scalars(select(Lead.id).where(
        scope_clause(Lead, user(app, "township_caseworker_370811")))))
    assert {mine.id, theirs.id} <= township_seen
    assert not set(session.scalars(select(Lead.id).where(
        scope_clause(Lead, user(app, "township_caseworker_370881"))))) & {mine.id, theirs.id}
