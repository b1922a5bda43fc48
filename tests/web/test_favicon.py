"""The site has an icon: every page links it (staff pages, the login page, the public pages, the printed
notice), and both the linked file and the root ``/favicon.ico`` browsers ask for answer with it — no page
of ours leaves a 404 in the log for its icon."""
from __future__ import annotations

import re

from tests.support import make_household

ICON_LINK = re.compile(r'<link rel="icon" href="([^"]+)"')


def _icon(client, url):
    answer = client.get(url)
    assert answer.status_code == 200, url
    assert answer.mimetype in ("image/x-icon", "image/vnd.microsoft.icon"), (url, answer.mimetype)
    assert answer.data[:4] == b"\x00\x00\x01\x00", url  # an ICO file
    return answer


def test_every_kind_of_page_links_the_icon_and_the_icon_is_served(app, session, rules, login_as):
    from app.services.intake import intake
    from tests.services.test_workflow import CASES, user

    case = intake(session, make_household(session, "370811"), CASES[0]["figures"],
                  user(app, "township_caseworker_370811"), rules)
    session.commit()
    staff, anonymous = login_as("township_caseworker_370811"), app.test_client()
    pages = {
        "login page": (anonymous, "/login/"),
        "public index": (anonymous, "/public/"),
        "public county page": (anonymous, "/public/370811/"),
        "staff list": (staff, "/householdview/list/"),
        "staff home": (staff, "/"),
        "printed notice": (staff, f"/caseview/notice/{case.id}"),
    }
    for name, (client, url) in pages.items():
        page = client.get(url, follow_redirects=True)
        assert page.status_code == 200, (name, page.status_code)
        links = ICON_LINK.findall(page.get_data(as_text=True))
        assert len(links) == 1, (name, links)
        _icon(client, links[0].replace("http://localhost", ""))
    _icon(anonymous, "/favicon.ico")
    assert _icon(staff, "/favicon.ico").headers.get("Cache-Control") != "no-store"  # not personal data

