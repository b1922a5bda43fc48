"""Related-field choices are scoped like the lists, and masked data never sorts or filters.

The probe read households of other counties by name, and 22 users of other townships, from
``GET /api/v1/<resource>/_info`` and from the screens' dropdowns; a charity learned the head of an
unclaimed referral by filtering referrals by household; lists sorted by ID number, phone or bank account
followed the hidden digits.
"""
from __future__ import annotations

import json

import pytest

from app.services.referrals import refer
from tests.api.test_cases import bearer
from tests.charity_support import charity_staff, make_case, make_project, user
from tests.security.test_matrix import valid_id
from tests.support import make_household


@pytest.fixture()
def households(session):
    """One household at home (任城区) and one of 曲阜市, each with a name found nowhere else."""
    home = make_household(session, "370811", head_name="本县户甲")
    other = make_household(session, "370881", head_name="外县户乙")
    session.commit()
    return home, other


def _choices(info: dict) -> dict[str, list[str]]:
    fields = (info.get("add_columns") or []) + (info.get("edit_columns") or [])
    found: dict[str, list[str]] = {}
    for field in fields:
        if "values" in field:
            found.setdefault(field["name"], []).extend(v["value"] for v in field["values"])
    return found


@pytest.mark.parametrize("resource", ["case", "referral", "payment"])
def test_info_offers_only_households_and_users_in_the_jurisdiction(app, households, resource):
    info = app.test_client().get(f"/api/v1/{resource}/_info",
                                 headers=bearer(app, "township_caseworker_370811")).get_json()
    choices = _choices(info)
    assert "本县户甲" in choices["household"]
    assert "外县户乙" not in choices["household"]
    users = [name for field, names in choices.items() if field.endswith("_by") for name in names]
    assert users == []  # users are not choices: nobody picks who acted, the service records it


def _mentions(page: str, name: str) -> bool:
    """Named on the page, as text or inside the search form's JSON (where it is \\u-escaped)."""
    return name in page or json.dumps(name)[1:-1] in page


def test_screen_dropdowns_offer_only_the_jurisdiction(households, login_as):
    client = login_as("county_reviewer_370811")
    for url in ("/householdmemberview/add", "/householdmemberview/list/"):  # the form and the search form
        page = client.get(url).get_data(as_text=True)
        assert _mentions(page, "本县户甲") and not _mentions(page, "外县户乙"), url


def test_a_household_of_another_county_cannot_be_chosen_by_id(app, households, login_as, session):
    from tests.conftest import csrf_token

    client = login_as("county_reviewer_370811")
    _home, other = households
    response = client.post("/householdmemberview/add", data={
        "household": other.id, "name": "成员", "relation": "子女", "csrf_token": csrf_token(app, client)})
    assert response.status_code == 200  # the form is shown again with its error
    session.expire_all()
    assert other.members == []


@pytest.fixture()
def unclaimed(app, session, rules):
    """A referral in the charity's pool, not yet claimed: its household is masked for the charity."""
    case = make_case(app, session, rules)
    make_project(session, charity_staff(app).charity, "大病救助", "10000", ("illness",), ("370811",))
    referral = refer(session, case, user(app, "township_caseworker_370811"), "透析费用缺口", "3000")
    session.commit()
    return referral


def test_charity_cannot_tie_an_unclaimed_referral_to_its_household(app, unclaimed):
    client, charity = app.test_client(), bearer(app, "charity_staff_370811")
    assert client.get("/api/v1/referral/", headers=charity).get_json()["ids"] == [unclaimed.id]
    rison = f"(filters:!((col:household,opr:rel_o_m,value:{unclaimed.household_id})))"
    assert client.get(f"/api/v1/referral/?q={rison}", headers=charity).status_code == 400
    by_name = "(filters:!((col:household,opr:rel_o_m,value:0)),order_column:household.head_name)"
    assert client.get(f"/api/v1/referral/?q={by_name}", headers=charity).status_code == 400
    info = client.get("/api/v1/referral/_info", headers=charity).get_json()
    assert unclaimed.household.head_name not in str(_choices(info))
    assert "household" not in info["filters"]
    # the caseworker, who sees the household whole, still filters by it
    mine = client.get(f"/api/v1/referral/?q={rison}", headers=bearer(app, "township_caseworker_370811"))
    assert mine.status_code == 200 and mine.get_json()["ids"] == [unclaimed.id]


# -- ordering by a masked column ------------------------------------------------------------------------

@pytest.fixture()
def three(session):
    """Three households listed newest first (三, 二, 一), whose hidden digits run in neither that order
    nor its reverse (三 < 一 < 二)."""
    rows = [make_household(session, "370811", head_name=name, id_number=valid_id(f"37081119800{n}15001"),
                           phone=f"1390000000{n}", bank_account=f"623100000000000{n}")
            for name, n in (("第一户", 2), ("第二户", 3), ("第三户", 1))]
    session.commit()
    return rows


def _order(page: str, names) -> list[str]:
    return sorted(names, key=page.index)


@pytest.mark.parametrize("column", ["id_number", "phone", "bank_account"])
def test_a_masked_column_does_not_sort_the_web_list(three, login_as, column):
    names = ["第一户", "第二户", "第三户"]
    client = login_as("supervisor_370811")
    for direction in ("asc", "desc"):
        page = client.get(f"/householdview/list/?_oc_HouseholdView={column}&_od_HouseholdView={direction}")
        assert page.status_code == 200
        assert _order(page.get_data(as_text=True), names) == ["第三户", "第二户", "第一户"]  # the base order


def test_a_masked_column_does_not_sort_through_a_relation(app, session, three, login_as):
    from app.models import HouseholdMember

    for n, household in enumerate(three):
        session.add(HouseholdMember(household=household, name=f"成员{n}", relation="子女",
                                    id_number=valid_id(f"37081120100{n + 1}15002")))
    session.commit()
    client = login_as("supervisor_370811")
    names = ["成员0", "成员1", "成员2"]
    plain = _order(client.get("/householdmemberview/list/").get_data(as_text=True), names)
    for direction in ("asc", "desc"):
        page = client.get(f"/householdmemberview/list/?_oc_HouseholdMemberView=household.id_number"
                          f"&_od_HouseholdMemberView={direction}").get_data(as_text=True)
        assert _order(page, names) == plain, direction


@pytest.mark.parametrize("column", ["id_number", "phone", "bank_account", "household.id_number"])
def test_the_api_refuses_to_sort_by_what_it_masks(app, three, column):
    resource = "referral" if column.startswith("household.") else "household"
    response = app.test_client().get(f"/api/v1/{resource}/?q=(order_column:{column},order_direction:asc)",
                                     headers=bearer(app, "supervisor_370811"))
    assert response.status_code == 400
