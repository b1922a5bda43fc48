"""The city bureau drills its dashboard from the city to a county and on to a township, in a real
browser; the chart is drawn with nothing loaded from another address, and no figure is a raw value."""
from __future__ import annotations

import os

from tests.browser.arrange import approved_case


def test_city_bureau_drills_city_county_township(open_as, live_server):
    case = approved_case(live_server, "370811")
    with live_server.app.app_context():
        from app.models import Case

        town = live_server.app.appbuilder.session.get(Case, case.id).township
        town_code, town_name = town.code, town.name
    city = open_as("city_bureau")
    elsewhere = []
    city.page.on("request", lambda r: elsewhere.append(r.url) if not r.url.startswith(live_server.base_url)
                 and not r.url.startswith("data:") else None)
    city.goto("/")
    assert city.page.locator("#dashboard #chart-trend svg").count() == 1, "the landing page draws the trend"
    assert city.page.locator("#todo-steps, #todo-due").count() >= 1, "the to-do list stays beside it"
    city.page.locator('#dashboard-breakdown tr[data-region="370811"] a').click()
    city.checked()
    assert "任城区" in city.page.locator("#dashboard-area").inner_text()
    assert int(city.page.locator('#dashboard-cards [data-figure="cases"] .tempaid-card-value').inner_text()) >= 1
    city.page.locator(f'#dashboard-breakdown tr[data-region="{town_code}"] a').click()
    city.checked()
    assert town_name in city.page.locator("#dashboard-area").inner_text()
    assert city.page.locator("#dashboard-breakdown").count() == 0, "nothing lies below a township"
    city.page.locator("#dashboard-path a").first.click()  # back up to the city
    city.checked()
    assert city.page.locator('#dashboard-breakdown tr[data-region="370881"]').count() == 1
    assert elsewhere == [], f"loaded from elsewhere: {elsewhere}"


def test_a_township_dashboard_shows_only_itself(open_as, live_server):
    worker = open_as("township_caseworker_370811")
    worker.goto("/dashboard/")
    assert worker.page.locator("#dashboard-breakdown").count() == 0
    assert worker.page.locator("#dashboard-path a").count() == 0, "no way up to the county or the city"


def test_the_dashboard_reads_at_a_laptop_and_a_phone_in_both_languages(open_as, live_server, tmp_path):
    """By category beside by kind; the lead clock among the rates; at 360 px the page itself never scrolls
    sideways (the tables scroll inside themselves). Screenshots are kept for a look by eye."""
    approved_case(live_server, "370811")
    shots = os.environ.get("DASHBOARD_SHOTS")
    for language, category_heading in (("zh", "按救助类别"), ("en", "By category")):
        county = open_as("county_reviewer_370811", language=language)
        for width in (1280, 360):
            county.page.set_viewport_size({"width": width, "height": 900})
            county.goto("/dashboard/")
            assert county.page.locator("#dashboard-categories tbody tr").count() >= 1
            assert category_heading in county.text
            if shots:
                county.page.screenshot(path=f"{shots}/dashboard-{language}-{width}.png", full_page=True)
            overflow = county.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{language} at {width} px: the page scrolls sideways by {overflow} px"
