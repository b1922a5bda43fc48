"""A phone photo (a multi-MB JPEG, made here) is shrunk in the browser to fit the lead form's 450 KB before
it is sent — online by the ordinary post, offline kept shrunk in the phone's queue and sent when the
network returns — on a 360-pixel screen. The server still checks what arrives."""
from __future__ import annotations

import io
import os
import re

import pytest
from PIL import Image
from sqlalchemy import select

from tests.browser.test_outreach_phone import COUNTY, fits_the_phone, phone, report_fire  # noqa: F401 (fixture)

LIMIT = 450 * 1024


@pytest.fixture(scope="module")
def camera_photo() -> bytes:
    """A 3000×2250 photo as a phone camera writes it: about 5 MB, far over the form's limit."""
    side = (3000, 2250)
    grain = Image.frombytes("RGB", (side[0] // 2, side[1] // 2), os.urandom(side[0] // 2 * side[1] // 2 * 3))
    out = io.BytesIO()
    grain.resize(side).save(out, format="JPEG", quality=92)
    assert out.tell() > 3_000_000
    return out.getvalue()


def _choose(grid, photo: bytes) -> None:
    grid.page.set_input_files("#photos", files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    grid.page.locator("#photos[data-shrunk='done']").wait_for(state="attached", timeout=30_000)
    grid.page.locator("#photos-status").filter(has_text="照片已备好").wait_for()


def _photos_of(live_server, person: str) -> list[bytes]:
    from app.models import Lead

    with live_server.app.app_context():
        session = live_server.app.appbuilder.session
        lead = session.scalar(select(Lead).where(Lead.person_name == person))
        photos = [p.data for p in lead.photos] if lead else []
        session.remove() if hasattr(session, "remove") else None
        return photos


def test_a_camera_photo_is_shrunk_before_it_is_sent(phone, live_server, camera_photo):
    grid = phone(f"grid_worker_{COUNTY}")
    person = "照片压缩户"
    report_fire(grid, person)
    _choose(grid, camera_photo)
    chosen = grid.page.evaluate("document.getElementById('photos').files[0].size")
    assert chosen <= LIMIT < len(camera_photo)
    fits_the_phone(grid)
    grid.submit("提交线索")
    grid.sees("已报送乡镇", person)
    photos = _photos_of(live_server, person)  # the server took it (a 5 MB one it refuses) and re-encoded it
    assert len(photos) == 1 and max(Image.open(io.BytesIO(photos[0])).size) <= 1600


def test_offline_the_queue_keeps_the_shrunk_photo_and_sends_it_with_the_report(phone, live_server, camera_photo):
    grid = phone(f"grid_worker_{COUNTY}")
    person = "离线照片户"
    report_fire(grid, person)
    _choose(grid, camera_photo)
    grid.page.context.set_offline(True)
    grid.button("提交线索").click()
    grid.page.locator("#lead-queue-status").filter(has_text="无网络").wait_for()
    kept = grid.page.evaluate("JSON.parse(localStorage.getItem('tempaid-leads'))[0].photos")
    assert len(kept) == 1 and kept[0]["data"].startswith("data:image/jpeg;base64,")
    assert len(kept[0]["data"]) * 3 / 4 <= LIMIT + 100  # base64 of the shrunk photo, not of the 5 MB one
    grid.page.context.set_offline(False)
    with grid.page.expect_navigation(url=re.compile(r"/leads/mine")):
        grid.page.evaluate("window.dispatchEvent(new Event('online'))")
    grid.checked().sees(person)
    assert len(_photos_of(live_server, person)) == 1
