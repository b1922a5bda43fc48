"""The 2026 national opinion through the screens and the REST API: household statuses saved (False too),
a 小额快救 case from report to paid within its clock and never on the disclosure list, approval of a posted
case refused on the case page and over REST, a person passing through taken in and seen by the home county."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.idnumber import check_digit
from app.models import Case, Household, Region
from app.services import posting as posting_service
from app.services.deadlines import CST
from app.services.intake import intake
from app.services.workflow import take
from tests.conftest import csrf_token
from tests.payment_support import user
from tests.policy_2026_support import china_now, illness_application, light_emergency, rules_2026  # noqa: F401
from tests.support import make_household



@pytest.fixture()
def login_as(login_as, app):
    """Logged-in clients that, like our pages, send the CSRF token with their API writes."""
    def logged_in(username: str):
        client = login_as(username)
        client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(app, client)
        return client
    return logged_in


def _post(app, client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(app, client), **data})


def _id(body: str) -> str:
    return body + check_digit(body)


def _town(session, county: str) -> Region:
    return min(session.scalar(select(Region).where(Region.code == county)).children, key=lambda r: r.code)


# --- households ------------------------------------------------------------------------------------------

def test_a_household_saves_its_new_statuses_unticked_and_ticked(app, session, login_as):
    client = login_as("township_caseworker_370811")
    town = _town(session, "370811")
    number = _id("37081119850505002")
    form = {"head_name": "钱二", "id_number": number, "township": str(town.id), "area": "urban",
            "residency": "local_hukou", "size": "2"}
    added = _post(app, client, "/householdview/add", **form)
    assert added.status_code == 302, added.get_data(as_text=True)[-3000:]
    saved = session.scalar(select(Household).where(Household.id_number == number))
    assert saved.dibao is False and saved.tekun is False  # neither dibao nor tekun: saved as such
    assert saved.dibao_edge is False and saved.rigid_expense is False and saved.dibao_edge_recognised_on is None
    edited = _post(app, client, f"/householdview/edit/{saved.id}", **form, dibao_edge="y",
                   dibao_edge_recognised_on="2026-10-08")
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    session.expire_all()
    assert saved.dibao_edge is True and saved.dibao_edge_recognised_on == dt.date(2026, 10, 8)
    _post(app, client, f"/householdview/edit/{saved.id}", **form)  # unticked again
    session.expire_all()
    assert saved.dibao_edge is False
    page = client.get(f"/householdview/show/{saved.id}").get_data(as_text=True)
    assert "低保边缘" in page and "True" not in page and "None" not in page


def test_the_household_api_reads_and_writes_the_new_statuses(app, session, login_as):
    client = login_as("township_caseworker_370811")
    household = make_household(session, "370811")
    session.commit()
    put = client.put(f"/api/v1/household/{household.id}", json={"rigid_expense": True,
                                                                 "rigid_expense_recognised_on": "2026-09-01"})
    assert put.status_code == 200, put.get_json()
    shown = client.get(f"/api/v1/household/{household.id}").get_json()["result"]
    assert shown["rigid_expense"] is True and shown["rigid_expense_recognised_on"] == "2026-09-01"
    assert shown["dibao_edge"] is False


# --- 小额快救 --------------------------------------------------------------------------------------------

def _intake_on_screen(app, client, household, figures):
    form = {"id_number": household.id_number, "kind": figures["kind"], "category": figures["category"],
            "severity": figures.get("severity", ""), "application_date": figures["application_date"],
            "reported_at": figures.get("reported_at", "")[:16], "requested_amount": figures.get("requested_amount", ""),
            "action": "save"}
    return _post(app, client, "/intake/", **form)


def test_a_quick_case_goes_from_report_to_paid_on_the_screens_and_stays_off_the_disclosure_list(
        app, session, login_as, rules_2026):
    household = make_household(session, "370811")
    session.commit()
    caseworker = login_as("township_caseworker_370811")
    saved = _intake_on_screen(app, caseworker, household, light_emergency())
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    case = session.scalar(select(Case).where(Case.household_id == household.id))
    assert case.flow == "quick"
    approver = login_as("township_approver_370811")
    page = approver.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "登记并审批（小额快救）" in page and "入户调查" not in page and "小额快救" in page
    assert _post(app, approver, f"/caseview/transition/{case.id}/register", amount="500").status_code == 302
    today = china_now().date().isoformat()
    assert _post(app, caseworker, f"/paymentview/record/{case.id}", method="cash", amount="500",
                 paid_on=today).status_code == 302
    session.expire_all()
    assert case.state == "paid" and case.deadlines["quick_due"]["met"] is not None and case.due_at is None
    finance = login_as("finance_officer_370811")
    month = today[:7]
    ledger = finance.get(f"/ledger/print?township_id={case.township_id}&month={month}").get_data(as_text=True)
    disclosure = finance.get(f"/disclosure/print?township_id={case.township_id}&month={month}")
    assert case.number in ledger
    assert disclosure.status_code == 200 and case.number not in disclosure.get_data(as_text=True)
    api = finance.get(f"/api/v1/payment/disclosure?township_id={case.township_id}&month={month}").get_json()
    assert case.number not in [row["case_number"] for row in api["rows"]]


def test_a_quick_case_goes_from_report_to_paid_through_the_api(app, session, login_as, rules_2026):
    household = make_household(session, "370811")
    session.commit()
    caseworker = login_as("township_caseworker_370811")
    made = caseworker.post("/api/v1/case/intake", json={"household_id": household.id, "figures": light_emergency()})
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert "quick_aid" in body["verdict"]["notes"] and "quick_due" in body["verdict"]["deadlines"]
    approver = login_as("township_approver_370811")
    assert approver.post(f"/api/v1/case/{body['id']}/transition/investigate", json={}).status_code == 400
    registered = approver.post(f"/api/v1/case/{body['id']}/transition/register", json={"amount": "600"})
    assert registered.status_code == 200 and registered.get_json()["state"] == "registered"
    paid = caseworker.post("/api/v1/payment/record", json={"case_id": body["id"], "method": "cash", "amount": "600",
                                                           "paid_on": china_now().date().isoformat()})
    assert paid.status_code == 201 and paid.get_json()["case_state"] == "paid"
    case = session.get(Case, body["id"])
    session.refresh(case)
    due = dt.datetime.combine(dt.date.fromisoformat(case.deadlines["quick_due"]["due"]), dt.time(23, 59, 59), CST)
    assert dt.datetime.fromisoformat(case.deadlines["quick_due"]["met"]) <= due


def test_an_overdue_quick_case_is_on_the_due_list(app, session, login_as, rules_2026):
    late = intake(session, make_household(session, "370811"),
                  light_emergency(day=china_now().date() - dt.timedelta(days=4)),
                  user(app, "township_caseworker_370811"), rules_2026)
    session.commit()
    page = login_as("township_caseworker_370811").get("/duecases/list/").get_data(as_text=True)
    assert late.number in page


# --- 公示 before aid ------------------------------------------------------------------------------------

def _reviewed_edge_case(app, session, rules):
    found = make_household(session, "370811", dibao_edge=True, dibao_edge_recognised_on=china_now().date())
    caseworker = user(app, "township_caseworker_370811")
    case = intake(session, found, illness_application(), caseworker, rules)
    take(session, case, "accept", caseworker, {}, rules)
    take(session, case, "investigate", caseworker, {"note": "入户调查"}, rules)
    take(session, case, "review", user(app, "township_approver_370811"), {"note": "审核"}, rules)
    session.commit()
    return case


def test_the_case_page_shows_the_posting_and_refuses_the_approval_while_it_runs(app, session, login_as, rules_2026):
    case = _reviewed_edge_case(app, session, rules_2026)
    approver = login_as("county_approver_370811")
    page = approver.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert 'id="posting"' in page and "（5个工作日）" in page and "剩余5个工作日" in page
    assert "审批同意" not in page  # the button is not offered while the posting runs
    assert "免于重复核对（已认定家庭）" in page  # recognised today: income and assets not checked again
    refused = _post(app, approver, f"/caseview/transition/{case.id}/approve", amount="1000")
    assert refused.status_code == 422  # the case page again, the refusal on it
    shown = refused.get_data(as_text=True)
    assert "公示" in shown and "alert-danger" in shown
    session.expire_all()
    assert case.state == "reviewed"


def test_an_objection_recorded_on_the_case_page_holds_the_approval_until_resolved(
        app, session, login_as, rules_2026, monkeypatch):
    case = _reviewed_edge_case(app, session, rules_2026)
    caseworker = login_as("township_caseworker_370811")
    assert _post(app, caseworker, f"/caseview/objection/{case.id}", raised_by="邻居李某",
                 content="该户有车辆未申报").status_code == 302
    page = caseworker.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert "邻居李某" in page and "该户有车辆未申报" in page and 'id="objections"' in page
    after = dt.datetime.combine(posting_service.posting_of(session, case).ends_on + dt.timedelta(days=1),
                                dt.time(9, 0), CST)
    monkeypatch.setattr(posting_service, "utcnow", lambda: after)
    approver = login_as("county_approver_370811")
    rest = approver.post(f"/api/v1/case/{case.id}/transition/approve", json={"amount": "1000"})
    assert rest.status_code == 400 and rest.get_json()["error"]["code"] == "objection_open"
    objection = re.search(rf'/caseview/objection/{case.id}/(\d+)/resolve', page).group(1)
    assert _post(app, caseworker, f"/caseview/objection/{case.id}/{objection}/resolve",
                 resolution="经入户核实，车辆已过户，异议不成立").status_code == 302
    done = approver.post(f"/api/v1/case/{case.id}/transition/approve", json={"amount": "1000"})
    assert done.status_code == 200 and done.get_json()["state"] == "approved"


def test_the_rest_api_refuses_the_approval_while_the_posting_runs_and_shows_the_posting(
        app, session, login_as, rules_2026):
    case = _reviewed_edge_case(app, session, rules_2026)
    approver = login_as("county_approver_370811")
    refused = approver.post(f"/api/v1/case/{case.id}/transition/approve", json={"amount": "1000"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "posting_running"
    made = approver.post(f"/api/v1/case/{case.id}/objection", json={"raised_by": "村民张某", "content": "家有商铺出租"})
    assert made.status_code == 201 and made.get_json()["open"] is True
    shown = approver.get(f"/api/v1/case/{case.id}/posting").get_json()
    assert shown["required"] is True and shown["working_days"] == 5 and shown["days_left"] == 5
    assert [o["raised_by"] for o in shown["objections"]] == ["村民张某"]
    resolved = approver.post(f"/api/v1/case/{case.id}/objection/{made.get_json()['id']}/resolve",
                             json={"resolution": "商铺收入已计入"})
    assert resolved.status_code == 200 and resolved.get_json()["open"] is False


# --- people passing through ----------------------------------------------------------------------------

PERSON_ID = _id("37081119900307001")


def _person_form(session, **fields):
    form = {"name": "赵小明", "id_number": PERSON_ID, "phone": "13800001111",
            "township": str(_town(session, "370881").id),
            "home_region": str(session.scalar(select(Region).where(Region.code == "370811005")).id),
            "home_place": "", "incident_place": "曲阜东站候车厅", "incident": "候车时突发急病，财物被盗",
            "area": "urban", "residency": "none"}
    figures = light_emergency()
    form.update(kind="emergency", category=figures["category"], severity="light",
                application_date=figures["application_date"], reported_at=figures["reported_at"][:16],
                requested_amount="300")
    form.update(fields)
    return form


def test_a_person_passing_through_is_taken_in_on_the_screen_and_seen_by_the_home_county(
        app, session, login_as, rules_2026):
    qufu = login_as("township_caseworker_370881")
    assert 'id="passing-link"' in qufu.get("/intake/").get_data(as_text=True)
    preview = _post(app, qufu, "/intake/passing", **_person_form(session), action="preview")
    assert preview.status_code == 200 and 'id="verdict"' in preview.get_data(as_text=True)
    saved = _post(app, qufu, "/intake/passing", **_person_form(session), action="save")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    case = session.scalar(select(Case).join(Household).where(Household.id_number == PERSON_ID))
    assert case.county.code == "370881" and case.incident == "候车时突发急病，财物被盗"
    page = qufu.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert 'id="passing-person"' in page and "李营街道" in page
    # the home county (任城区) sees that the case exists: number, masked name, no ID number, no case page
    home = login_as("county_reviewer_370811")
    listing = home.get("/homecountycases/list/").get_data(as_text=True)
    assert case.number in listing and "赵*明" in listing and "赵小明" not in listing and PERSON_ID not in listing
    assert home.get(f"/caseview/show/{case.id}").status_code == 404
    assert home.get(f"/homecountycases/show/{case.id}").status_code != 200  # a list, no page of the case
    api = home.get("/api/v1/case/home_county").get_json()
    assert api["count"] == 1 and api["result"][0]["number"] == case.number and api["result"][0]["name"] == "赵*明"
    assert home.get(f"/api/v1/case/{case.id}").status_code == 404
    # the helping county's own list of people helped elsewhere does not hold it
    assert case.number not in login_as("county_reviewer_370881").get("/homecountycases/list/").get_data(as_text=True)


def test_the_passing_through_screen_refuses_an_invalid_id_number(app, session, login_as, rules_2026):
    qufu = login_as("township_caseworker_370881")
    refused = _post(app, qufu, "/intake/passing", **_person_form(session, id_number=PERSON_ID[:-1] + "9"),
                    action="save")
    assert refused.status_code == 200 and "has-error" in refused.get_data(as_text=True)
    assert session.scalar(select(Household).where(Household.id_number == PERSON_ID[:-1] + "9")) is None


def test_a_person_passing_through_is_taken_in_through_the_api(app, session, login_as, rules_2026):
    qufu = login_as("township_caseworker_370881")
    person = {"name": "孙大海", "id_number": _id("32030219800101001"), "phone": "13700001111",
              "township": _town(session, "370881").code, "home_place": "江苏省徐州市",
              "incident_place": "孔庙景区", "incident": "游览时摔伤，钱包遗失"}
    made = qufu.post("/api/v1/case/intake_passing", json={"person": person, "figures": light_emergency()})
    assert made.status_code == 201, made.get_json()
    case = session.get(Case, made.get_json()["id"])
    assert case.county.code == "370881" and case.household.home_place == "江苏省徐州市"
    bad = qufu.post("/api/v1/case/intake_passing",
                    json={"person": {**person, "township": _town(session, "370811").code}, "figures": light_emergency()})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "scope"


def test_a_person_with_a_household_in_another_county_is_helped_on_the_screen_and_over_the_api(
        app, session, login_as, rules_2026):
    """急难发生地实施救助 for a resident of 任城区 in trouble in 曲阜: the case points to their household,
    which stays in 任城区 (neither moved nor duplicated); 任城区 sees that the case exists."""
    resident = make_household(session, "370811", head_name="钱大勇", size=4)
    other = make_household(session, "370811", head_name="孙二妹", size=2)
    session.commit()
    qufu = login_as("township_caseworker_370881")
    form = _person_form(session, id_number=resident.id_number, name="钱大勇")
    preview = _post(app, qufu, "/intake/passing", **form, action="preview")
    assert preview.status_code == 200 and 'id="verdict"' in preview.get_data(as_text=True)
    saved = _post(app, qufu, "/intake/passing", **form, action="save")
    assert saved.status_code == 302, saved.get_data(as_text=True)[:3000]
    case = session.scalar(select(Case).where(Case.household_id == resident.id))
    assert case.county.code == "370881"
    assert session.scalar(select(func.count(Household.id)).where(Household.id_number == resident.id_number)) == 1
    page = qufu.get(f"/caseview/show/{case.id}").get_data(as_text=True)
    assert 'id="own-household-elsewhere"' in page and "任城区可查看本案存在" in page
    assert qufu.get(f"/householdview/show/{resident.id}").status_code == 404, "their household stays 任城区's"
    made = qufu.post("/api/v1/case/intake_passing", json={"person": {
        "name": "孙二妹", "id_number": other.id_number, "township": _town(session, "370881").code,
        "home_region": "370811", "incident_place": "孔庙景区", "incident": "突发急病"}, "figures": light_emergency()})
    assert made.status_code == 201, made.get_json()
    assert session.get(Case, made.get_json()["id"]).household_id == other.id
    home = login_as("county_reviewer_370811")
    listing = home.get("/homecountycases/list/").get_data(as_text=True)
    assert case.number in listing and "钱*勇" in listing and "钱大勇" not in listing
    api = home.get("/api/v1/case/home_county").get_json()
    assert {row["number"] for row in api["result"]} >= {case.number, made.get_json()["number"]}
    # in the helping county's own county a household is not passing through: refused in words, nothing saved
    local = make_household(session, "370881")
    session.commit()
    refused = _post(app, qufu, "/intake/passing", **_person_form(session, id_number=local.id_number), action="save")
    assert refused.status_code == 200 and "此人在本县（市、区）有自己的家庭" in refused.get_data(as_text=True)
    assert session.scalar(select(func.count(Case.id)).where(Case.household_id == local.id)) == 0


def test_a_ticked_status_needs_the_day_it_was_recognised(app, session, login_as):
    client = login_as("township_caseworker_370811")
    number = _id("37081119850505003")
    form = {"head_name": "吴三", "id_number": number, "township": str(_town(session, "370811").id), "area": "urban",
            "residency": "local_hukou", "size": "2", "rigid_expense": "y"}
    refused = _post(app, client, "/householdview/add", **form)
    assert refused.status_code == 200 and "请填写该身份的认定日期。" in refused.get_data(as_text=True)
    assert session.scalar(select(Household).where(Household.id_number == number)) is None
    future = (china_now().date() + dt.timedelta(days=3)).isoformat()
    refused = _post(app, client, "/householdview/add", **form, rigid_expense_recognised_on=future)
    assert refused.status_code == 200 and "认定日期不能晚于今天。" in refused.get_data(as_text=True)
