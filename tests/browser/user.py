"""One demo user in the browser: every navigation is checked as it happens.

The tests never call ``page.goto`` or click a link or a button of the page directly: they go through
:class:`BrowserUser`, whose every step waits for the page, then fails the test if the server answered
with an error or the page shows a raw value (:mod:`tests.browser.rawtext`). So the check runs after
every navigation of the suite, not only where a test remembers to ask for it.
"""
from __future__ import annotations

import os
import re

from tests.browser.rawtext import raw_values

#: ``BROWSER_RAW_VALUES=warn`` reports raw values instead of failing on them, to see how far a path
#: gets past pages still being cleaned up (never set in CI)
WARN_ONLY = os.environ.get("BROWSER_RAW_VALUES") == "warn"


class BrowserUser:
    def __init__(self, page, server, username: str):
        self.page, self.server, self.username = page, server, username
        self.dialogs: list[str] = []
        self._statuses: list[tuple[int, str]] = []
        page.on("response", self._on_response)
        page.on("dialog", self._on_dialog)

    # -- what the browser reports -----------------------------------------------------------------------
    def _on_response(self, response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self._statuses.append((response.status, response.url))

    def _on_dialog(self, dialog) -> None:
        """A confirmation is read (and checked like a page) and accepted, as the user would."""
        self.dialogs.append(dialog.message)
        dialog.accept()

    # -- checks -----------------------------------------------------------------------------------------
    @property
    def text(self) -> str:
        return self.page.inner_text("body")

    def checked(self, expect_status: int | None = None, allowed: tuple[str, ...] = (),
                raw: bool = True) -> "BrowserUser":
        """Fail on a server error (or another status than ``expect_status``) and (``raw``) on raw values."""
        self.page.wait_for_load_state()
        statuses, self._statuses = self._statuses, []
        for status, url in statuses:
            if expect_status is not None:
                assert status == expect_status, f"{url} answered {status}, expected {expect_status}"
            else:
                assert status < 500, f"{url} answered {status}"
        if not raw:
            return self
        own = (self.username,)  # a user's own login name, on their own profile, is what they log in with
        found = raw_values(self.text, allowed + own) + [f"in a dialog: {v}" for d in self.dialogs for v in raw_values(d)]
        if found and WARN_ONLY:
            print(f"raw values on {self.page.url}:\n  " + "\n  ".join(found))
        else:
            assert not found, f"raw values on {self.page.url}:\n  " + "\n  ".join(found)
        return self

    def sees(self, *texts: str) -> "BrowserUser":
        body = self.text
        missing = [t for t in texts if t not in body]
        assert not missing, f"{self.page.url} does not show {missing}"
        return self

    def does_not_see(self, *texts: str) -> "BrowserUser":
        body = self.text
        shown = [t for t in texts if t in body]
        assert not shown, f"{self.page.url} shows {shown}"
        return self

    # -- steps ------------------------------------------------------------------------------------------
    def goto(self, path: str, expect_status: int | None = 200, allowed: tuple[str, ...] = ()) -> "BrowserUser":
        self.page.goto(self.server.url(path))
        return self.checked(expect_status, allowed)

    def login(self, language: str = "zh") -> "BrowserUser":
        self.goto("/login/")
        self.page.locator("input[name=username]").fill(self.username)
        self.page.locator("input[name=password]").fill(self.server.logins[self.username])
        self.submit(self.page.locator("form input[type=submit], form button[type=submit]").first)
        assert "/login" not in self.page.url, f"login of {self.username} failed: {self.text[:300]}"
        if language != "zh":
            self.goto(f"/lang/{language}", expect_status=None)
        return self

    def submit(self, target, allowed: tuple[str, ...] = ()) -> "BrowserUser":
        """Click a button or link (a locator, or the visible name of a button) and wait for the page it
        leads to."""
        locator = self.button(target) if isinstance(target, str) else target
        with self.page.expect_navigation():
            locator.click()
        return self.checked(allowed=allowed)

    def follow(self, link_text: str) -> "BrowserUser":
        """Click the link the user reads (the first one with exactly this text)."""
        return self.submit(self.page.get_by_role("link", name=re.compile(rf"^\W*{re.escape(link_text)}\W*$")).first)

    def button(self, name: str):
        # an icon font's glyph (CSS content) is part of a button's accessible name: "保存 \uf0c7"
        return self.page.get_by_role("button", name=re.compile(rf"^\W*{re.escape(name)}\W*$"))

    def field(self, label: str):
        """A form field by its label as the user reads it (a required field's label ends in ``*``)."""
        labels = self.page.locator("label").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))
        assert labels.count(), f"{self.page.url} has no field labelled {label!r}"
        return self.page.locator(f"[id='{labels.first.get_attribute('for')}']")

    def named(self, name: str, within=None):
        """A field of a hand-written form (whose labels are not tied to their inputs) by its name."""
        return (within or self.page).locator(f":is(input, select, textarea)[name='{name}']")

    def fill_named(self, **by_name: str) -> "BrowserUser":
        for name, value in by_name.items():
            self.named(name).fill(value)
        return self

    def fill(self, **by_label: str) -> "BrowserUser":
        for label, value in by_label.items():
            self.field(label).fill(value)
        return self

    def choose(self, label: str, option: str) -> "BrowserUser":
        """Pick an option of a select by the text the user reads (select2 widgets keep a real select)."""
        self.field(label).select_option(label=option, force=True)
        return self

    def flash(self) -> str:
        """The messages the last step put on top of the page."""
        return " ".join(self.page.locator(".alert").all_inner_texts())

    def row_with(self, text: str):
        """The table row the user finds by a text in it."""
        return self.page.locator("tr", has_text=re.compile(re.escape(text))).first
