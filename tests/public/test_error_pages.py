"""A resident who meets an error on the public side reads it on the public pages' own plain frame, Chinese
first: no staff menu, no login link, no "outside your jurisdiction"; the staff keep their own error page."""
import re

import pytest

STAFF_WORDS = ("/login/", "辖区", "navbar")


def _without_markup(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page)


@pytest.mark.parametrize("path", ["/public/999999/", "/public/370811/nowhere", "/public/no/such/page"])
def test_a_public_404_is_the_public_error_page_in_chinese(app, path):
    answer = app.test_client().get(path)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404
    assert 'id="public-error"' in page and 'lang="zh-CN"' in page and "找不到" in page
    assert 'href="/public/"' in page and 'href="/public/status"' in page
    assert not [word for word in STAFF_WORDS if word in page], page[:800]


def test_the_public_error_page_reads_in_english_when_asked(app):
    client = app.test_client()
    client.get("/lang/en")
    page = client.get("/public/999999/").get_data(as_text=True)
    assert 'lang="en"' in page and "Not found" in _without_markup(page) and "找不到" not in page


def test_the_staff_keep_their_own_error_page(app):
    page = app.test_client().get("/caseview/show/nowhere/at/all").get_data(as_text=True)
    assert 'id="error-page"' in page and 'id="public-error"' not in page


def test_a_rate_limited_public_page_says_so_in_words(limited_app, known_captcha):
    from tests.public.test_pages import _look_up

    client = limited_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.77"
    answers = [_look_up(client, f"370811{n:010d}", "1234") for n in range(4)]
    limited = answers[-1]
    assert limited.status_code == 429
    page = limited.get_data(as_text=True)
    assert 'id="public-error"' in page and "请求过于频繁" in page and "/login/" not in page
