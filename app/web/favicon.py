"""The site's icon at ``/favicon.ico``.

Pages link the icon under /static (``tempaid/_favicon.html``); browsers still ask the root path for answers
that carry no page of ours (a PDF, a JSON document opened in a tab), and each of those asks used to end in a
404 in the log. The root path sends the same file, cached like the static files.
"""
from __future__ import annotations

from flask import Flask, current_app


def favicon():
    return current_app.send_static_file("favicon.ico")


def init_favicon(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", "favicon", favicon)
