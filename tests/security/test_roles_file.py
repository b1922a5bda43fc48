"""config/roles.yaml: faults are reported with file and line; the YAML, not code, decides access."""

import pytest

from app.security.roles import RolesInvalid, load_roles
from app.security.sync import sync_security

GOOD = """roles:
  clerk:
    name: {zh: 文员, en: Clerk}
    scope: county
    personal_data: masked
    permissions:
      RegionView: [can_list]
"""

BROKEN = {
    "unknown key": (GOOD.replace("    scope: county\n", "    scope: county\n    colour: red\n"), 5),
    "bad scope": (GOOD.replace("scope: county", "scope: province"), 4),
    "bad personal_data": (GOOD.replace("personal_data: masked", "personal_data: some"), 5),
    "permission not a list": (GOOD.replace("RegionView: [can_list]", "RegionView: can_list"), 7),
    "name without en": (GOOD.replace("{zh: 文员, en: Clerk}", "{zh: 文员}"), 3),
    "yaml syntax": (GOOD.replace("RegionView: [can_list]", "RegionView: [can_list"), 8),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_faults_name_file_and_line(tmp_path, name):
    text, line = BROKEN[name]
    path = tmp_path / "roles.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RolesInvalid) as caught:
        load_roles(path)
    assert any(f.startswith(f"roles.yaml:{line}:") for f in caught.value.faults), caught.value.faults


def test_all_faults_in_one_run(tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(GOOD.replace("scope: county", "scope: province").replace("masked", "some"), encoding="utf-8")
    with pytest.raises(RolesInvalid) as caught:
        load_roles(path)
    assert len(caught.value.faults) == 2


def test_shipped_file_declares_every_post_of_the_notice():
    roles = load_roles()
    assert {"township_caseworker", "township_approver", "county_reviewer", "county_approver",
            "county_leading_group", "city_bureau", "finance_officer", "charity_staff", "grid_worker",
            "rule_admin", "supervisor"} <= set(roles)
    assert all(r.name_zh and r.name_en for r in roles.values())


def test_editing_the_declaration_changes_access(app, session, login_as):
    client = login_as("supervisor_370811")
    assert client.get("/householdview/list/").status_code == 200
    roles = load_roles()
    supervisor = roles["supervisor"]
    without = {view: perms for view, perms in supervisor.permissions.items() if view != "HouseholdView"}
    roles["supervisor"] = type(supervisor)(supervisor.key, supervisor.name_zh, supervisor.name_en,
                                           supervisor.scope, supervisor.personal_data, without)
    sync_security(roles)
    assert client.get("/householdview/list/").status_code == 403
    sync_security()
    assert client.get("/householdview/list/").status_code == 200


def test_unknown_permission_is_refused(app, session):
    roles = load_roles()
    grid = roles["grid_worker"]
    roles["grid_worker"] = type(grid)(grid.key, grid.name_zh, grid.name_en, grid.scope, grid.personal_data,
                                      {"NoSuchView": ("can_list",)})
    with pytest.raises(RolesInvalid) as caught:
        sync_security(roles)
    assert "NoSuchView" in caught.value.faults[0]


def test_a_faulty_edit_keeps_the_last_valid_roles(tmp_path):
    from app.security.roles import declared_roles

    path = tmp_path / "roles.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert declared_roles(path)["clerk"].scope == "county"
    import os
    import time

    path.write_text(GOOD.replace("scope: county", "scope: countyy"), encoding="utf-8")
    os.utime(path, (time.time() + 5, time.time() + 5))
    assert declared_roles(path)["clerk"].scope == "county"


def test_an_unknown_permission_is_named_with_its_line(app, session, tmp_path):
    path = tmp_path / "roles.yaml"
    path.write_text(GOOD.replace("RegionView: [can_list]", "RegionView: [can_fly]"), encoding="utf-8")
    with pytest.raises(RolesInvalid) as caught:
        sync_security(load_roles(path))
    assert caught.value.faults[0].startswith("roles.yaml:7:")


def test_a_role_removed_from_the_file_loses_its_access(app, session, login_as):
    client = login_as("supervisor_370811")
    roles = load_roles()
    del roles["supervisor"]
    sync_security(roles)
    assert client.get("/householdview/list/").status_code == 403
    sync_security()
