"""The Content-Security-Policy runs only scripts that carry the answer's nonce: a template script without
one is silently blocked in the browser (the intake's category filter and the confirm dialogs were)."""
import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).parents[2] / "app" / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_script_of_our_templates_carries_the_nonce(template):
    scripts = re.findall(r"<script\b[^>]*>", template.read_text(encoding="utf-8"))
    assert all("csp_nonce()" in tag for tag in scripts), [t for t in scripts if "csp_nonce()" not in t]
    assert not re.search(r"\son[a-z]+=\"", template.read_text(encoding="utf-8")), "no inline event handlers"
