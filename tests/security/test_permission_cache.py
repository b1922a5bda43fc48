"""The menu and every guarded button read the user's permissions once per request (one query, not one
per entry), answer exactly as Flask-AppBuilder's own check would, and follow a role change from the next
request on."""
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import PermissionView
from flask_login import login_user
from sqlalchemy import select

from tests.sql_support import statements as _statements


def test_a_page_reads_the_permissions_in_one_query_whatever_the_menu(role_client):
    spec, client = role_client
    client.get("/")  # warm-up: the first request of a client loads its caches
    response, seen = _statements(client, "/")
    assert response.status_code == 200
    permission_queries = [s for s in seen if "ab_permission" in s]
    assert len(permission_queries) == 1, (spec.key, len(permission_queries))
    assert "EXISTS" not in permission_queries[0]


def test_the_case_list_checks_menu_and_buttons_without_a_query_each(login_as):
    client = login_as("county_reviewer_370811")
    client.get("/caseview/list/")
    response, seen = _statements(client, "/caseview/list/")
    assert response.status_code == 200
    assert 'id="export-xlsx"' in response.get_data(as_text=True)  # a button guarded by has_access
    assert sum("ab_permission" in s for s in seen) == 1


def test_cached_answers_are_fab_answers_for_every_role_and_permission(app, session):
    sm = app.appbuilder.sm
    pairs = [(pv.permission.name, pv.view_menu.name) for pv in session.scalars(select(PermissionView))]
    users = [u for u in sm.get_all_users() if u.roles and u.roles[0].name != sm.auth_role_admin]
    assert users and len(pairs) > 50
    for user in users:
        role_ids = [r.id for r in user.roles]
        with app.test_request_context("/"):
            login_user(user)
            granted = {pair for pair in pairs if sm._has_view_access(user, *pair)}
        expected = {(p, v) for p, v in pairs
                    if SecurityManager.exist_permission_on_roles(sm, v, p, role_ids)}
        assert granted == expected, user.username
        assert expected, user.username  # every role may do something


def test_a_revoked_permission_applies_from_the_next_request(app, session, login_as):
    sm = app.appbuilder.sm
    client = login_as("county_reviewer_370811")
    assert client.get("/caseview/list/").status_code == 200
    role = sm.find_role("county_reviewer")
    sm.del_permission_role(role, sm.find_permission_view_menu("can_list", "CaseView"))
    response = client.get("/caseview/list/")
    assert response.status_code in (302, 403)
    assert "/caseview/list/" not in response.headers.get("Location", "")


def test_an_api_call_looks_up_the_public_role_once_and_answers_as_fab(app, session):
    from tests.api.test_cases import bearer

    client = app.test_client()
    headers = bearer(app, "county_reviewer_370811")
    client.get("/api/v1/case/", headers=headers)
    response, seen = _statements(client, "/api/v1/case/", headers=headers)
    assert response.status_code == 200
    assert sum("FROM ab_role WHERE ab_role.name" in " ".join(s.split()) for s in seen) == 1  # FAB: twice
    sm = app.appbuilder.sm
    pairs = [(pv.permission.name, pv.view_menu.name) for pv in session.scalars(select(PermissionView))]
    with app.test_request_context("/"):
        cached = {pair for pair in pairs if sm.is_item_public(*pair)}
    assert cached == {pair for pair in pairs if SecurityManager.is_item_public(sm, *pair)}
