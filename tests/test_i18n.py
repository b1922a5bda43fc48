"""The UI speaks Chinese by default and English on request; catalogues are compiled and complete."""
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def test_login_page_is_chinese_by_default(app):
    page = app.test_client().get("/login/").get_data(as_text=True)
    assert "用户名" in page and "密码" in page and "登录" in page
    assert "Username" not in page


def test_login_page_in_english_when_asked(app):
    client = app.test_client()
    assert client.get("/lang/en").status_code == 302
    page = client.get("/login/").get_data(as_text=True)
    assert "Username" in page and "Sign In" in page
    assert "用户名" not in page


def test_english_by_query_argument(app):
    page = app.test_client().get("/login/?_l_=en").get_data(as_text=True)
    assert "Username" in page


def test_fab_gaps_are_filled_in_chinese(app, login_as):
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale("zh"):
        assert gettext("Add") == "新增"
        assert gettext("Delete") == "删除"
        assert gettext("Households") == "救助家庭"


def test_every_chinese_message_is_translated():
    catalog = read_po((TRANSLATIONS / "zh/LC_MESSAGES/messages.po").open("rb"), locale="zh")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_compiled_catalogues_match_their_sources():
    for lang in ("zh", "en"):
        po = read_po((TRANSLATIONS / lang / "LC_MESSAGES/messages.po").open("rb"), locale=lang)
        mo = read_mo((TRANSLATIONS / lang / "LC_MESSAGES/messages.mo").open("rb"))
        source = {m.id: m.string for m in po if m.id and m.string}
        compiled = {m.id: m.string for m in mo if m.id and m.string}
        assert compiled == source, f"run: pybabel compile -d translations ({lang})"


def test_the_brand_is_in_the_readers_language(app):
    """The navigation bar and the window title read 临时救助管理 in Chinese, Temporary Assistance in English."""
    client = app.test_client()
    chinese = client.get("/login/").get_data(as_text=True)
    assert "临时救助管理" in chinese and "Temporary Assistance" not in chinese
    client.get("/lang/en")
    english = client.get("/login/").get_data(as_text=True)
    assert "Temporary Assistance" in english and "临时救助管理" not in english
