"""Helpers of the public tests: a form's CSRF and captcha tokens read from the page, as a browser would."""
import re

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CAPTCHA = re.compile(r'name="captcha_token" value="([^"]+)"')


def form_tokens(client, url: str) -> dict:
    page = client.get(url).get_data(as_text=True)
    tokens = {"csrf_token": CSRF.search(page).group(1)}
    found = CAPTCHA.search(page)
    if found:
        tokens["captcha_token"] = found.group(1)
    return tokens


def api_captcha(client) -> str:
    return client.get("/api/v1/public/captcha").get_json()["token"]
