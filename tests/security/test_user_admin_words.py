"""The administrator's user pages read as words: roles by their names in roles.yaml, yes/no for active,
a blank for no charity — never ``True``, ``None`` or a role's code (Flask-AppBuilder's own views)."""
from __future__ import annotations

import re



def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", html, flags=re.S)))


def test_the_user_list_and_page_name_roles_and_flags_in_words(app, login_as):
    client = login_as("admin")
    listing = _text(client.get("/users/list/").get_data(as_text=True))
    assert "监督人员 任城区 任城区 是 监督人员" in listing, "name, county, township, active, the role by its name"
    assert " True " not in listing and " None " not in listing and "[supervisor]" not in listing
    user = app.appbuilder.sm.find_user(username="township_caseworker_370811")
    page = _text(client.get(f"/users/show/{user.id}").get_data(as_text=True))
    assert "乡镇经办人员" in page and " 是 " in page
    assert " True " not in page and " None " not in page and "township_caseworker" not in page.replace(
        "township_caseworker_370811", "")
