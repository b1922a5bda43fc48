"""Issue #19, bad input that was accepted: ID numbers in other digits, birth dates that are no past day,
and names that hide what they say — refused on every door (API, screens, services), worded on the field."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.idnumber import check_digit, normalise
from app.models import Household, HouseholdMember, Region
from app.models.household import InvalidField
from app.services.users import home_region
from tests.api.test_cases import bearer
from tests.conftest import csrf_token
from tests.support import fresh_id_number, make_household

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
BAD_NAMES = {"zero-width": "\u200b\u200b", "NUL": "张\x00三", "right-to-left override": "\u202e三张",
             "control": "张\x07三", "byte-order mark": "\ufeff张三"}


def _number(born: str, seq: str = "123") -> str:
    body = "370811" + born + seq
    return body + check_digit(body)


def _home_town(session):
    return home_region("township", session.scalar(select(Region).where(Region.code == "370811")))


def _post_household(app, session, **fields):
    town = _home_town(session)
    body = {"head_name": "王五", "id_number": fresh_id_number(), "township": town.id, "area": "urban",
            "residency": "local_hukou", "size": 2, **fields}
    return app.test_client().post("/api/v1/household/", json=body, headers=bearer(app, "township_caseworker_370811"))


def _count(session, number: str) -> int:
    return session.scalar(select(func.count()).select_from(Household).where(Household.id_number == number))


def test_a_full_width_number_is_stored_in_ascii(app, session):
    number = fresh_id_number()
    created = _post_household(app, session, id_number=number.translate(FULL_WIDTH))
    assert created.status_code == 201, created.get_data(as_text=True)
    assert session.get(Household, created.get_json()["id"]).id_number == number


def test_the_full_width_twin_of_a_registered_number_is_the_same_household(app, session):
    registered = make_household(session, "370881")  # in another county
    session.commit()
    twin = _post_household(app, session, id_number=registered.id_number.translate(FULL_WIDTH))
    assert twin.status_code == 409, twin.get_data(as_text=True)
    error = twin.get_json()["error"]
    assert error["field"] == "id_number" and error["code"] == "conflict"
    text = twin.get_data(as_text=True)
    for leak in ("county", "曲阜", "370881", "UNIQUE", "unique", "IntegrityError", "Database", "household."):
        assert leak not in text, leak
    assert _count(session, registered.id_number) == 1


def test_a_duplicate_answers_alike_in_this_county_and_in_another(app, session):
    here, there = make_household(session, "370811"), make_household(session, "370881")
    session.commit()
    answers = [_post_household(app, session, id_number=h.id_number) for h in (here, there)]
    assert [a.status_code for a in answers] == [409, 409]
    assert answers[0].get_json() == answers[1].get_json()


@pytest.mark.parametrize("digits", [ARABIC_INDIC], ids=["Arabic-Indic"])
def test_digits_no_id_card_has_are_refused(app, session, digits):
    refused = _post_household(app, session, id_number=fresh_id_number().translate(digits))
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert refused.get_json()["error"]["field"] == "id_number"


def test_superscript_digits_read_as_the_number_they_show(app, session):
    number = fresh_id_number()
    created = _post_household(app, session, id_number=number[:6] + number[6:10].translate(SUPERSCRIPT) + number[10:])
    assert created.status_code == 201, created.get_data(as_text=True)
    assert session.get(Household, created.get_json()["id"]).id_number == number


@pytest.mark.parametrize("number,why", [
    (_number("20991231"), "born in the future"),
    (_number("19800230"), "no 30 February"),
    (_number("00000101"), "no year 0"),
])
def test_birth_dates_that_are_no_past_day_are_refused(app, session, number, why):
    refused = _post_household(app, session, id_number=number)
    assert refused.status_code == 422, why
    assert refused.get_json()["error"]["field"] == "id_number", why


def test_the_screen_words_a_future_birth_date_on_the_field(app, login_as, session):
    client = login_as("township_caseworker_370811")
    client.get("/householdview/add")
    town = _home_town(session)
    page = client.post("/householdview/add", data={
        "csrf_token": csrf_token(app, client), "head_name": "王五", "id_number": _number("20991231"),
        "township": town.id, "area": "urban", "residency": "local_hukou", "size": 2})
    assert page.status_code == 200
    assert "晚于今天" in page.get_data(as_text=True)  # "the birth date in this ID number lies in the future"
    assert _count(session, _number("20991231")) == 0


def test_a_member_with_the_full_width_twin_of_a_members_number_is_refused_in_words(app, login_as, session):
    household = make_household(session, "370811")
    number = fresh_id_number()
    session.add(HouseholdMember(household=household, name="王大", id_number=number, relation="子女"))
    session.commit()
    client = login_as("township_caseworker_370811")
    client.get("/householdmemberview/add")
    page = client.post("/householdmemberview/add", data={
        "csrf_token": csrf_token(app, client), "household": household.id, "name": "王小五",
        "id_number": number.translate(FULL_WIDTH), "relation": "子女"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for leak in ("UNIQUE", "IntegrityError", "household_member.id_number", "sqlite", "psycopg"):
        assert leak not in text, leak
    assert "已登记" in text or "已经登记" in text
    assert session.scalar(select(func.count()).select_from(HouseholdMember)
                          .where(HouseholdMember.id_number == number)) == 1


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_names_that_hide_what_they_say_are_refused_on_the_api(app, session, name):
    refused = _post_household(app, session, head_name=name)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    assert refused.get_json()["error"]["field"] == "head_name"


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_names_that_hide_what_they_say_are_refused_on_the_screens(app, login_as, session, name):
    household = make_household(session, "370811")
    session.commit()
    client = login_as("township_caseworker_370811")
    client.get("/householdmemberview/add")
    page = client.post("/householdmemberview/add", data={
        "csrf_token": csrf_token(app, client), "household": household.id, "name": name,
        "id_number": fresh_id_number(), "relation": "子女"})
    assert page.status_code == 200
    assert "不可见字符" in page.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(HouseholdMember)) == 0


def test_a_blank_name_is_refused_on_the_api(app, session):
    refused = _post_household(app, session, head_name="   ")
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "head_name"


def test_names_that_hide_what_they_say_are_refused_by_the_model(session):
    with pytest.raises(InvalidField):
        make_household(session, "370811", head_name="\u200b")
    with pytest.raises(InvalidField):
        make_household(session, "370811", id_number=_number("20991231"))


def test_normal_names_of_every_kind_are_kept(app, session):
    for name in ("张三", "阿依古丽·买买提", "John Smith"):
        created = _post_household(app, session, head_name=name)
        assert created.status_code == 201, name
        assert session.get(Household, created.get_json()["id"]).head_name == name


def test_normalise_folds_full_width_and_case():
    assert normalise(" ３７０８１１１９８００１０１００１ｘ ") == "37081119800101001X"


def test_a_users_name_that_hides_what_it_says_is_refused(app, login_as, session):
    from app.models import TempaidUser

    client = login_as("admin")
    client.get("/users/add")
    page = client.post("/users/add", data={
        "csrf_token": csrf_token(app, client), "first_name": "\u200b", "last_name": "\u202e王",
        "username": "invisible_user", "active": "y", "email": "invisible@example.org",
        "password": "Secret-12345", "conf_password": "Secret-12345"})
    assert page.status_code == 200 and "不可见字符" in page.get_data(as_text=True)
    assert "请至少选择一个角色" in page.get_data(as_text=True)  # FAB's own check answered 500 here
    assert session.scalar(select(TempaidUser).where(TempaidUser.username == "invisible_user")) is None
