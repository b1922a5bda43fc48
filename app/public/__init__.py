"""The no-login side (三、(二) 互联网+): pages under ``/public/`` and JSON under ``/api/v1/public/``.

Own blueprint, own limits, nothing personal out: see :mod:`app.public.pages`, :mod:`app.public.api`.
"""
from __future__ import annotations

from flask import Flask


def init_public(app: Flask, appbuilder) -> None:
    from app.public import pages
    from app.public.api import PublicApi
    pages.register(app)
    appbuilder.add_api(PublicApi)
