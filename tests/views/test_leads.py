"""The lead screens as people use them: the grid worker reports a fire from a phone (a photo with it), the
township sees it in its inbox with its clock, takes it into an intake prefilled from the report, and the
grid worker sees what became of it — never the case's personal data; photos only within jurisdiction."""
import io
import re

from PIL import Image
from sqlalchemy import select

from app.models import Case, Lead, LeadPhoto
from app.services.users import home_region
from app.models import Region
from tests.conftest import csrf_token
from tests.support import fresh_id_number, make_household
from tests.views.test_intake import _form


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (180, 40, 20)).save(out, format="JPEG")
    return out.getvalue()


def _township(session, county="370811"):
    return home_region("township", session.scalar(select(Region).where(Region.code == county)))


def _report(app, client, session, **fields):
    data = {"person_name": "李四", "phone": "13900000000", "township_id": str(_township(session).id),
            "village": "西村", "address": "西村3号", "category": "incident:fire", "severity": "urgent",
            "description": "凌晨失火，房屋烧毁", "csrf_token": csrf_token(app, client), **fields}
    return client.post("/leads/report", data=data, content_type="multipart/form-data")


def test_the_report_screen_offers_the_countys_categories_and_the_offline_script(app, login_as):
    client = login_as("grid_worker_370811")
    page = client.get("/leads/report").get_data(as_text=True)
    assert 'value="incident:fire"' in page and "火灾" in page
    assert re.search(r'<script nonce="[^"]+" src="/static/js/lead_queue.js"', page)
    assert client.get("/static/js/lead_queue.js").status_code == 200


def test_bad_fields_are_named_in_chinese_and_nothing_is_saved(app, session, login_as):
    client = login_as("grid_worker_370811")
    before = session.query(Lead).count()
    page = _report(app, client, session, person_name="", id_number="370811198001010010").get_data(as_text=True)
    assert 'id="error-person_name"' in page and 'id="error-id_number"' in page and "请" in page
    assert session.query(Lead).count() == before


def test_fire_from_the_phone_to_a_case_and_back_to_the_grid_worker(app, session, login_as):
    grid = login_as("grid_worker_370811")
    household = make_household(session, "370811", head_name="李四")
    sent = _report(app, grid, session, id_number=household.id_number, photos=(io.BytesIO(_photo()), "fire.jpg"))
    assert sent.status_code == 302
    lead = session.scalar(select(Lead).where(Lead.id_number == household.id_number))
    assert len(lead.photos) == 1 and lead.source == "grid_worker"
    mine = grid.get("/leads/mine").get_data(as_text=True)
    assert lead.number in mine and "等待乡镇" in mine

    township = login_as("township_caseworker_370811")
    inbox = township.get("/leads/inbox/").get_data(as_text=True)
    assert lead.number in inbox
    shown = township.get(f"/leads/inbox/{lead.id}").get_data(as_text=True)
    assert 'id="household-found"' in shown and lead.photos[0].token in shown
    accepted = township.post(f"/leads/inbox/{lead.id}/accept", data={"csrf_token": csrf_token(app, township)})
    assert accepted.status_code == 302 and f"lead={lead.id}" in accepted.location
    intake_page = township.get(accepted.location).get_data(as_text=True)
    assert 'id="intake-lead"' in intake_page and re.search(r'<option[^>]*selected[^>]*value="incident:fire"|'
                                                          r'<option[^>]*value="incident:fire"[^>]*selected', intake_page)
    empty = {f"monthly_income-{i}": "" for i in range(12)} | {f"monthly_necessary_expenses-{i}": "" for i in range(6)}
    saved = township.post(accepted.location, data=_form(
        app, township, action="save", kind="emergency", category="incident:fire", severity="light",
        application_date=lead.reported_at.strftime("%Y-%m-%d"), reported_at="", requested_amount="800", cost="",
        financial_assets="", houses="", vehicles="", lead=str(lead.id), **empty))
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    session.expire_all()
    lead = session.get(Lead, lead.id)
    case = session.scalar(select(Case).where(Case.household_id == household.id))
    assert lead.state == "accepted" and lead.case_id == case.id and case.incident == lead.description

    mine = grid.get("/leads/mine").get_data(as_text=True)
    assert case.number in mine and "已转为救助个案" in mine
    assert household.id_number not in mine
    assert grid.get(f"/cases/show/{case.id}").status_code in (403, 404, 302)


def test_a_new_household_is_registered_from_the_lead_with_its_problems_named(app, session, login_as):
    grid = login_as("grid_worker_370811")
    _report(app, grid, session, person_name="赵六")
    lead = session.scalar(select(Lead).where(Lead.person_name == "赵六"))
    township = login_as("township_caseworker_370811")
    refused = township.post(f"/leads/inbox/{lead.id}/accept", data={
        "csrf_token": csrf_token(app, township), "head_name": "赵六", "id_number": "123", "area": "rural",
        "residency": "local_hukou", "size": "0"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'id="error-id_number"' in page and 'id="error-size"' in page
    number = fresh_id_number()
    accepted = township.post(f"/leads/inbox/{lead.id}/accept", data={
        "csrf_token": csrf_token(app, township), "head_name": "赵六", "id_number": number, "area": "rural",
        "residency": "local_hukou", "size": "2"})
    assert accepted.status_code == 302 and number in accepted.location


def test_close_with_a_reason_shows_the_reason_to_the_grid_worker(app, session, login_as):
    grid = login_as("grid_worker_370811")
    _report(app, grid, session, person_name="钱七")
    lead = session.scalar(select(Lead).where(Lead.person_name == "钱七"))
    township = login_as("township_caseworker_370811")
    empty = township.post(f"/leads/inbox/{lead.id}/close", data={"csrf_token": csrf_token(app, township)})
    assert 'id="error-close_reason"' in empty.get_data(as_text=True)
    township.post(f"/leads/inbox/{lead.id}/close", data={"csrf_token": csrf_token(app, township),
                                                         "close_reason": "已由亲属接回安置"})
    assert "已由亲属接回安置" in grid.get("/leads/mine").get_data(as_text=True)


def test_nobody_outside_sees_the_lead_or_its_photo(app, session, login_as):
    grid = login_as("grid_worker_370811")
    _report(app, grid, session, person_name="孙八", photos=(io.BytesIO(_photo()), "a.jpg"))
    lead = session.scalar(select(Lead).where(Lead.person_name == "孙八"))
    token = session.scalar(select(LeadPhoto.token).where(LeadPhoto.lead_id == lead.id))
    assert grid.get(f"/leads/photo/{token}").status_code == 200
    other = login_as("township_caseworker_370881")
    assert other.get(f"/leads/inbox/{lead.id}").status_code == 404
    assert other.get(f"/leads/photo/{token}").status_code == 404
    assert other.post(f"/leads/inbox/{lead.id}/close", data={"csrf_token": csrf_token(app, other),
                                                             "close_reason": "x"}).status_code == 404
    other_grid = login_as("grid_worker_370881")
    assert other_grid.get(f"/leads/photo/{token}").status_code == 404
    assert lead.number not in other_grid.get("/leads/mine").get_data(as_text=True)
    assert app.test_client().get(f"/leads/photo/{token}").status_code in (302, 401, 404)


def test_the_report_form_groups_the_categories_as_the_rule_file_does(app, login_as):
    """Incidents, illnesses, education and other hardship, each under its kind's name, in the file's order."""
    page = login_as("grid_worker_370811").get("/leads/report").get_data(as_text=True)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', page, re.S)
    assert [label for label, _ in groups] == ["意外事件", "疾病", "教育", "其他困难"]
    incidents, illnesses = groups[0][1], groups[1][1]
    assert 'value="incident:fire"' in incidents and 'value="incident:fire"' not in illnesses
    assert all(code.startswith("illness:") for code in re.findall(r'value="([^"]+)"', illnesses))


def test_the_grid_worker_sees_no_region_list(app, login_as):
    """A grid worker reports; the city's regions are no screen of theirs (menu nor address)."""
    client = login_as("grid_worker_370811")
    home = client.get("/").get_data(as_text=True)
    assert "/regionview/list/" not in home and "/leads/report" in home
    assert client.get("/regionview/list/").status_code in (302, 403, 404)
