"""The household screens as a caseworker uses them: most applicants are neither dibao nor tekun."""
import re

from sqlalchemy import select

from app.idnumber import check_digit
from app.models import Household, Region
from app.services.users import home_region
from tests.conftest import csrf_token
from tests.support import make_household


def _id_number(body="37081119800215123"):
    return body + check_digit(body)


def _real_form(client, url):
    """The form the page renders: every input and select as the browser would post it (unticked boxes
    are left out, as a browser leaves them out)."""
    page = client.get(url).get_data(as_text=True)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        if kind == "checkbox" and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = value.group(1) if value else ("y" if kind == "checkbox" else "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"', body) or \
            re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body)
        fields[name] = chosen.group(1) if chosen else ""
    return page, fields


def test_a_household_neither_dibao_nor_tekun_is_saved_and_shown_at_once(app, session, login_as):
    client = login_as("township_caseworker_370811")
    page, form = _real_form(client, "/householdview/add")
    assert 'name="dibao"' in page and 'name="tekun"' in page
    county = session.scalar(select(Region).where(Region.code == "370811"))
    township = home_region("township", county)
    form.update(head_name="张三", id_number=_id_number(), township=str(township.id), address="任城区某村",
                area="urban", residency="local_hukou", size="3", phone="", bank_name="", bank_account="")
    assert "dibao" not in form and "tekun" not in form  # both boxes left unticked
    saved = client.post("/householdview/add", data=form)
    assert saved.status_code == 302
    household = session.scalar(select(Household).where(Household.id_number == form["id_number"]))
    assert household is not None and (household.dibao, household.tekun) == (False, False)
    assert saved.headers["Location"].endswith(f"/householdview/show/{household.id}")  # lands on it
    shown = client.get(f"/householdview/show/{household.id}").get_data(as_text=True)
    assert "否" in shown and "False" not in shown and "True" not in shown


def test_a_dibao_household_is_unticked_and_saved_on_edit(app, session, login_as):
    household = make_household(session, "370811", dibao=True, tekun=True)
    session.commit()
    client = login_as("township_caseworker_370811")
    page, form = _real_form(client, f"/householdview/edit/{household.id}")
    assert re.search(r'<input[^>]*checked[^>]*name="dibao"|<input[^>]*name="dibao"[^>]*checked', page)
    form.pop("dibao"), form.pop("tekun")  # untick both, as the office learns the household left dibao
    form["csrf_token"] = form.get("csrf_token") or csrf_token(app, client)
    assert client.post(f"/householdview/edit/{household.id}", data=form).status_code == 302
    session.expire_all()
    assert (session.get(Household, household.id).dibao, session.get(Household, household.id).tekun) == (False, False)


def test_register_new_household_from_a_failed_search_keeps_the_id_typed(app, login_as):
    client = login_as("township_caseworker_370811")
    number = _id_number("37081119750615002")
    search = client.get(f"/intake/?id_number={number}").get_data(as_text=True)
    link = re.search(r'href="([^"]*householdview/add[^"]*)"', search).group(1).replace("&amp;", "&")
    assert number in link
    page = client.get(link).get_data(as_text=True)
    assert re.search(rf'name="id_number"[^>]*value="{number}"|value="{number}"[^>]*name="id_number"', page)
