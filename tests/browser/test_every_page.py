"""Every page each demo role reaches from its menu reads as words: the raw-value check over the whole
product, not only the main paths (and no page answers with a server error)."""
from __future__ import annotations

import pytest

from tests.browser.arrange import approved_case
from tests.browser.rawtext import raw_values

ROLES = ["township_caseworker_370811", "township_approver_370811", "county_reviewer_370811",
         "county_approver_370811", "county_leading_group_370811", "city_bureau", "finance_officer_370811",
         "charity_staff_370811", "grid_worker_370811", "rule_admin_370811", "supervisor_370811"]
#: every role in Chinese; in English the roles whose pages differ most (one browser crawl costs ~15 s)
RUNS = [(role, "zh") for role in ROLES] + [("township_caseworker_370811", "en"), ("finance_officer_370811", "en")]


def menu_pages(user) -> list[str]:
    """The pages of the user's menu, and the first record each list links to."""
    hrefs = user.page.locator(".navbar a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return sorted({h for h in hrefs if h not in ("/", "/logout/") and not h.startswith("/lang/")})


@pytest.mark.parametrize("username, language", RUNS)
def test_every_page_of_the_menu_reads_as_words(open_as, live_server, username, language):
    approved_case(live_server, "370811")
    user = open_as(username, language=language)
    user.goto("/")
    found = {}
    for path in menu_pages(user):
        user.page.goto(user.server.url(path))
        shown = raw_values(user.checked(expect_status=None, raw=False).text, (user.username,))
        first = user.page.locator("a[href*='/show/']").first
        if first.count():  # the first record the list links to
            first.click()
            shown += [f"(first record) {v}" for v in raw_values(user.checked(expect_status=None, raw=False).text, (user.username,))]
        if shown:
            found[path] = shown[:3]
    assert not found, "\n".join(f"{path}: {values}" for path, values in found.items())
