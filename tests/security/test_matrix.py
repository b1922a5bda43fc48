"""The access matrix, built from config/roles.yaml itself.

For every declared role, every scoped screen and REST resource, and objects inside and outside the
role's jurisdiction, each of list, show, edit, delete and export is asserted allowed or denied, through
the UI and through the API. Adding a role (or a permission) to the YAML changes the matrix with no
test code change. The number of combinations tried is printed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from sqlalchemy import select

from app.idnumber import check_digit
from app.models import Household, Region
from app.security.roles import load_roles
from app.services.users import home_region, username_for
from tests.conftest import csrf_token
from tests.support import fresh_id_number

ROLES = load_roles()


def valid_id(first17: str) -> str:
    return first17 + check_digit(first17)

HOME_COUNTY = "370811"  # the matrix logs in as each role's user of 任城区
TRIED: list[int] = [0]  # printed at the end of the run by conftest's terminal summary


def _household(session, township_code: str, id_number: str) -> Household:
    town = session.scalar(select(Region).where(Region.code == township_code))
    household = Household(id_number=id_number, head_name="测试户", township=town, county=town.parent,
                          area="urban", residency="local_hukou", size=2, phone="13900001234",
                          bank_account="6231000011112222")
    session.add(household)
    session.flush()
    return household


@dataclass(frozen=True)
class Resource:
    view: str          # the ModelView class, as named in roles.yaml
    api: str           # the ModelRestApi class, as named in roles.yaml
    ui: str            # URL base of the screen
    rest: str          # URL base of the REST resource
    make: Callable     # (session, township code, serial) -> object
    payload: dict      # a valid REST body for a new object (its region is set by the test)


RESOURCES = [
    Resource("HouseholdView", "HouseholdApi", "/householdview", "/api/v1/household",
             lambda s, town, n: _household(s, town, ("37081119800101001X", "370881197506150020",
                                                     "370883199002280034")[n]),
             {"head_name": "新户", "id_number": valid_id("37083019900101003"), "area": "rural",
              "residency": "local_hukou", "size": 1}),
]

def _case(session, township_code: str, n: int):
    from flask import current_app

    from app.rules import load_rules
    from app.services.intake import intake
    from tests.services.test_workflow import CASES

    household = _household(session, township_code, fresh_id_number())
    city = current_app.appbuilder.sm.find_user(username="city_bureau")
    return intake(session, household, CASES[0]["figures"], city, load_rules(current_app.config["RULES_DIR"]))


def _member(session, township_code: str, n: int):
    from app.models import HouseholdMember

    household = _household(session, township_code, fresh_id_number())
    member = HouseholdMember(household=household, name="成员", relation="子女",
                             id_number=fresh_id_number())
    session.add(member)
    session.flush()
    return member


RESOURCES.append(Resource("CaseView", "CaseApi", "/caseview", "/api/v1/case", _case, {}))
RESOURCES.append(Resource("HouseholdMemberView", None, "/householdmemberview", None, _member, {}))

# Places: the home township of the role's user, another township of the same county, another county.
PLACES = {"home_township": None, "same_county": "370811102", "other_county": "370881001"}


def _visible(scope: str, place: str) -> bool:
    return {"city": True, "county": place != "other_county", "township": place == "home_township"}.get(scope, False)


def _api_token(client, username: str, password: str) -> str:
    response = client.post("/api/v1/security/login", json={
        "username": username, "password": password, "provider": "db", "refresh": False})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.view)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_role_matrix(role, resource, app, session, login_as):
    import os

    from tests.support import DEMO_PASSWORD_ENV

    spec = ROLES[role]
    username = username_for(role, spec.scope, HOME_COUNTY)
    client = login_as(username)
    user = app.appbuilder.sm.find_user(username=username)
    county = session.scalar(select(Region).where(Region.code == HOME_COUNTY))
    home = user.region if user.region.level == "township" else home_region("township", county)
    places = {**PLACES, "home_township": home.code}
    objects = {place: resource.make(session, code, n) for n, (place, code) in enumerate(places.items())}
    session.commit()
    ui_perms = set(spec.permissions.get(resource.view, ()))
    api_perms = set(spec.permissions.get(resource.api, ()))
    if resource.api is None:  # a screen without a REST resource: every API check is vacuous
        api_perms = set()
    token = _api_token(app.test_client(), username, os.environ[DEMO_PASSWORD_ENV])
    auth = {"Authorization": f"Bearer {token}"}

    listing = client.get(f"{resource.ui}/list/")
    page = listing.get_data(as_text=True)
    api_list = app.test_client().get(f"{resource.rest}/?q=(page_size:100)", headers=auth) if resource.rest else None
    api_ids = set(api_list.get_json().get("ids", [])) if api_list is not None and api_list.status_code == 200 else set()
    export = client.get(f"{resource.ui}/export/")
    assert (listing.status_code == 200) == ("can_list" in ui_perms)
    if api_list is not None:
        assert (api_list.status_code == 200) == ("can_get" in api_perms)
    assert (export.status_code == 200) == ("can_export" in ui_perms)
    TRIED[0] += 3

    for place, obj in objects.items():
        visible = _visible(spec.scope, place)
        # list (UI and API) and export show exactly the rows in scope
        if "can_list" in ui_perms:
            assert (f"/show/{obj.id}\"" in page) == visible, (place, "ui list")
        if "can_get" in api_perms:
            assert (obj.id in api_ids) == visible, (place, "api list")
        if "can_export" in ui_perms:
            assert export.get_data(as_text=True).count("测试户") == sum(
                _visible(spec.scope, p) for p in objects)
        # show: 200 in scope, 404 out of scope, denied without the permission
        show = client.get(f"{resource.ui}/show/{obj.id}")
        expected = (200 if visible else 404) if "can_show" in ui_perms else 403
        assert show.status_code == expected, (place, "ui show")
        if resource.rest:
            api_show = app.test_client().get(f"{resource.rest}/{obj.id}", headers=auth)
            expected = (200 if visible else 404) if "can_get" in api_perms else 403
            assert api_show.status_code in ((expected, 401) if expected == 403 else (expected,)), (place, "api show")
        # edit and delete through the UI (CSRF token from a page the user can open) and the API
        edit = client.get(f"{resource.ui}/edit/{obj.id}")
        expected = (200 if visible else 404) if "can_edit" in ui_perms else 403
        assert edit.status_code == expected, (place, "ui edit")
        delete = client.post(f"{resource.ui}/delete/{obj.id}", data={"csrf_token": csrf_token(app, client)})
        assert delete.status_code in ((302,) if "can_delete" in ui_perms else (403,)), (place, "ui delete")
        still_there = session.get(type(obj), obj.id) is not None
        session.expire_all()
        assert still_there == (not ("can_delete" in ui_perms and visible)), (place, "ui delete")
        TRIED[0] += 5
        if resource.rest:
            api_put = app.test_client().put(f"{resource.rest}/{obj.id}", json={"size": 9}, headers=auth)
            api_delete = app.test_client().delete(f"{resource.rest}/{obj.id}", headers=auth)
            for response, perm in ((api_put, "can_put"), (api_delete, "can_delete")):
                if perm not in api_perms:
                    assert response.status_code in (401, 403, 405), (place, perm)
                else:
                    assert response.status_code == (200 if visible else 404), (place, perm)
            TRIED[0] += 3

    # create and move: never into a region outside the jurisdiction (400), allowed inside it
    outside = session.scalar(select(Region).where(Region.code == PLACES["other_county"]))
    if "can_post" in api_perms:
        payload = {**resource.payload, "township": outside.id}
        created = app.test_client().post(f"{resource.rest}/", json=payload, headers=auth)
        assert created.status_code == (201 if spec.scope == "city" else 400), "api post outside"
        payload = {**resource.payload, "township": home.id, "id_number": valid_id("37083019900101004")}
        created = app.test_client().post(f"{resource.rest}/", json=payload, headers=auth)
        assert created.status_code == 201, ("api post inside", created.get_data(as_text=True))
        TRIED[0] += 2
    if "can_put" in api_perms:
        moved = app.test_client().put(f"{resource.rest}/{objects['home_township'].id}",
                                      json={"township": outside.id}, headers=auth)
        assert moved.status_code == (200 if spec.scope == "city" else 400), "api put outside"
        TRIED[0] += 1
