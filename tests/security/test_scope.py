"""Placing rows: only townships, only inside the jurisdiction; stored data well-formed."""
import os

from sqlalchemy import select

from app.models import Household, Region
from tests.support import DEMO_PASSWORD_ENV, make_household


def _bearer(app, username):
    token = app.test_client().post("/api/v1/security/login", json={
        "username": username, "password": os.environ[DEMO_PASSWORD_ENV], "provider": "db"}).get_json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def test_a_household_lives_in_a_township_not_a_county(app, session):
    household = make_household(session, "370811")
    session.commit()
    county = session.scalar(select(Region).where(Region.code == "370811"))
    response = app.test_client().put(f"/api/v1/household/{household.id}", json={"township": county.id},
                                     headers=_bearer(app, "city_bureau"))
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Household, household.id).township.level == "township"


def test_coded_fields_are_checked(app, session):
    town = session.scalar(select(Region).where(Region.code == "370811102"))
    body = {"head_name": "某", "id_number": "370883199002280034", "township": town.id, "area": "martian",
            "residency": "alien", "size": -3}
    response = app.test_client().post("/api/v1/household/", json=body, headers=_bearer(app, "city_bureau"))
    assert response.status_code == 422  # FAB's answer to a body its schema refuses
    assert response.get_json()["error"]["field"] in {"area", "residency", "size"}


def test_id_numbers_have_one_spelling(app, session):
    household = make_household(session, "370811", id_number="37081119800101001x")
    assert household.id_number == "37081119800101001X"


def test_unscoped_models_are_visible_to_nobody(app, session):
    from app.models import AuditEntry
    from app.security.scope import in_scope, scope_clause

    admin = app.appbuilder.sm.find_user(username="admin")
    assert str(scope_clause(AuditEntry, admin)) == "false"
    assert in_scope(AuditEntry(), admin) is False
