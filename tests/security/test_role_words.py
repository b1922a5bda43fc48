"""The administrator's role pages (系统管理 → 角色) say what each role may do in words, page by page, in the
reader's language — never FAB's code names (``can export on HouseholdView``, ``township_caseworker``)."""
from __future__ import annotations

import re

import pytest

from app.models.user import TempaidUser  # noqa: F401  (the user model the roles belong to)
from tests.views.test_no_raw_values import visible_text

CODE = re.compile(r"\bcan_?[a-z_]*\b|\bcan \w+ on \w+|[A-Z][a-z]+(View|Api)\b|menu_access|\b[a-z]+_[a-z_]+\b")
WORDS = {"zh": ["乡镇经办人员", "救助家庭：", "导出", "列表", "系统管理员"],
         "en": ["Township caseworker", "Households: ", "Export", "List", "Administrator"]}


def _role_id(app, name):
    return app.appbuilder.sm.find_role(name).id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_role_list_and_page_read_as_words(app, login_as, lang):
    admin = login_as("admin")
    admin.get(f"/lang/{lang}")
    listing = visible_text(admin.get("/roles/list/").get_data(as_text=True))
    page = visible_text(admin.get(f"/roles/show/{_role_id(app, 'township_caseworker')}").get_data(as_text=True))
    for text in (listing, page):
        assert not CODE.findall(text), sorted(set(m.group(0) for m in CODE.finditer(text)))[:10]
    for word in WORDS[lang]:
        assert word in listing, word
    assert WORDS[lang][0] in page and WORDS[lang][2] in page


def test_a_permission_is_an_action_on_a_page(app):
    from types import SimpleNamespace as N

    from flask_babel import force_locale

    from app.web.permission_words import _titles, permission_words

    with app.test_request_context(), force_locale("en"):
        titles = _titles(app.appbuilder)
        export = N(permission=N(name="can_export"), view_menu=N(name="HouseholdView"))
        api = N(permission=N(name="can_get"), view_menu=N(name="HouseholdApi"))
        unknown = N(permission=N(name="can_fly"), view_menu=N(name="NoSuchView"))
        assert permission_words(export, titles) == ("Households", "Export")
        assert permission_words(api, titles) == ("Households (API)", "Look up")
        assert permission_words(unknown, titles) == ("Other page", "Other action")


@pytest.mark.parametrize("path", ["/permissions/list/", "/permissionviews/list/", "/viewmenus/list/"])
def test_fabs_permission_lists_read_as_words(login_as, path):
    admin = login_as("admin")
    answer = admin.get(path)
    assert answer.status_code == 200
    text = visible_text(answer.get_data(as_text=True))
    assert "导出" in text or "救助家庭" in text
    assert not CODE.findall(text), sorted(set(m.group(0) for m in CODE.finditer(text)))[:10]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_role_form_offers_permissions_in_words_and_saves_them(app, login_as, lang):
    """系统管理 → 角色 → 编辑: each choice is a page and an action in words, and what is picked is saved."""
    from app.extensions import db

    sm = app.appbuilder.sm
    role = sm.add_role("temporary_role_for_the_form")
    db.session.commit()
    admin = login_as("admin")
    admin.get(f"/lang/{lang}")
    form = admin.get(f"/roles/edit/{role.id}").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="(\d+)"[^>]*>([^<]*)</option>', form)
    assert len(options) > 50
    labels = [label for _value, label in options]
    assert not [label for label in labels if CODE.search(label)], [label for label in labels if CODE.search(label)][:5]
    export = "救助家庭 · 导出" if lang == "zh" else "Households · Export"
    assert export in labels and labels == sorted(labels)
    # every permission has its own words: none is "other page" or "other action", no two read alike
    assert len(set(labels)) == len(labels), sorted({label for label in labels if labels.count(label) > 1})[:5]
    assert not [label for label in labels if "其他" in label or "Other" in label]
    assert ("编辑角色：" if lang == "zh" else "Edit role: ") in visible_text(form)
    assert 'name="name"' not in form  # a role's name is its key in roles.yaml: not edited here
    chosen = dict((label, value) for value, label in options)[export]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    answer = admin.post(f"/roles/edit/{role.id}", data={"name": role.name, "permissions": [chosen],
                                                         "csrf_token": token})
    assert answer.status_code == 302, visible_text(answer.get_data(as_text=True))[:500]
    db.session.expire_all()
    saved = sm.find_role("temporary_role_for_the_form")
    assert [(pv.permission.name, pv.view_menu.name) for pv in saved.permissions] == [("can_export", "HouseholdView")]
