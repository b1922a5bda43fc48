"""The access matrix, continued: related-field choices, ordering by masked columns, CSRF through the API
and the session after logout, for every role of config/roles.yaml (built from the YAML, like the rest of
the matrix; the combinations tried count in its total)."""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from app.models import Case
from app.security.scope import scope_clause
from app.services.users import username_for
from tests.api.test_cases import bearer
from tests.charity_support import make_case
from tests.security.test_matrix import HOME_COUNTY, ROLES, TRIED
from tests.security.test_related_choices import three  # noqa: F401  (fixture)
from tests.security.test_sessions import copy_of
from tests.support import make_household

OTHER_COUNTY = "370881"


def _username(role: str) -> str:
    return username_for(role, ROLES[role].scope, HOME_COUNTY)


def _apis(app) -> dict:
    return {type(view).__name__: view for view in app.appbuilder.baseviews if hasattr(view, "resource_name")}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_info_choices_are_the_roles_jurisdiction(role, app, session):
    for county in (HOME_COUNTY, OTHER_COUNTY):
        make_household(session, county, head_name=f"选项户{county}")
    session.commit()
    apis = {name: api for name, api in _apis(app).items() if "can_info" in ROLES[role].permissions.get(name, ())}
    if not apis:
        pytest.skip("the role reads no API's _info")
    user = app.appbuilder.sm.find_user(username=_username(role))
    client, auth = app.test_client(), bearer(app, _username(role))
    for name, api in apis.items():
        info = client.get(f"/api/v1/{api.resource_name}/_info", headers=auth)
        assert info.status_code == 200, name
        body = info.get_json()
        for field in (body.get("add_columns") or []) + (body.get("edit_columns") or []):
            if "values" not in field:
                continue
            related = api.datamodel.get_related_model(field["name"])
            allowed = set(session.scalars(select(related.id).where(scope_clause(related, user))))
            offered = {value["id"] for value in field["values"]}
            assert offered <= allowed, (name, field["name"], sorted(offered - allowed)[:5])
            if ROLES[role].scope != "city":
                assert f"选项户{OTHER_COUNTY}" not in {value["value"] for value in field["values"]}
            TRIED[0] += 1


@pytest.mark.parametrize("role", sorted(ROLES))
def test_masked_columns_sort_nothing(role, app, login_as, three):  # noqa: F811
    perms = ROLES[role].permissions
    if not ({"HouseholdView", "HouseholdApi", "ReferralApi"} & set(perms)):
        pytest.skip("the role lists no households and no referrals")
    if "can_list" in perms.get("HouseholdView", ()):
        client = login_as(_username(role))
        for column in ("id_number", "phone", "bank_account"):
            page = client.get(f"/householdview/list/?_oc_HouseholdView={column}&_od_HouseholdView=asc")
            text = page.get_data(as_text=True)
            assert sorted(["第一户", "第二户", "第三户"], key=text.index) == ["第三户", "第二户", "第一户"], column
            TRIED[0] += 1
    auth = bearer(app, _username(role))
    for name, resource, column in (("HouseholdApi", "household", "id_number"),
                                   ("ReferralApi", "referral", "household.id_number")):
        if "can_get" in perms.get(name, ()):
            response = app.test_client().get(f"/api/v1/{resource}/?q=(order_column:{column})", headers=auth)
            assert response.status_code == 400, (name, column)
            TRIED[0] += 1


@pytest.mark.parametrize("role", sorted(ROLES))
def test_csrf_through_the_api(role, app, session, rules, login_as):
    from tests.conftest import csrf_token
    from tests.security.test_api_csrf import _new_household

    case = make_case(app, session, rules, approved=False)
    session.commit()
    client = login_as(_username(role))
    for url, body in ((f"/api/v1/case/{case.id}/transition/accept", {}),
                      ("/api/v1/household/", _new_household(app, session))):
        for headers in ({}, {"Origin": "https://evil.example", "X-CSRFToken": csrf_token(app, client)}):
            refused = client.post(url, json=body, headers=headers)
            assert refused.status_code == 403, (url, headers)
            code = refused.get_json()["error"]["code"]  # refused before FAB looks at the role's permissions
            assert code == ("foreign_origin" if headers else "csrf_token"), refused.get_json()
            TRIED[0] += 1
    session.expire_all()
    assert session.get(Case, case.id).state == "submitted"
    with_token = client.post("/api/v1/household/", json=_new_household(app, session),
                             headers={"X-CSRFToken": csrf_token(app, client), "Origin": "http://localhost"})
    allowed = "can_post" in ROLES[role].permissions.get("HouseholdApi", ())
    assert (with_token.status_code == 201) == allowed, with_token.get_data(as_text=True)
    TRIED[0] += 1


@pytest.mark.parametrize("role", sorted(ROLES))
def test_the_session_after_logout(role, app, login_as):
    client = login_as(_username(role))
    views = [v for v, perms in ROLES[role].permissions.items() if "can_list" in perms and not v.endswith("Api")]
    with app.test_request_context():
        pages = [url_for(f"{view}.list") for view in views if f"{view}.list" in app.view_functions]
    thief = copy_of(app, client)
    before = [thief.get(page).status_code for page in pages]
    assert before == [200] * len(pages)
    client.get("/logout/")
    after = [thief.get(page) for page in pages]
    assert all(r.status_code == 302 and "/login/" in r.headers["Location"] for r in after), pages
    assert thief.get("/api/v1/case/").status_code == 401
    TRIED[0] += len(pages) + 1
