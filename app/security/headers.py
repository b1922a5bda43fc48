"""Security headers on every answer.

- ``Content-Security-Policy``: everything from our own origin only, no plugins, no framing, no ``<base>``
  rewriting, forms posting only to us. Scripts run only from our files or with this answer's nonce:
  Flask-AppBuilder's templates put ``nonce="{{ csp_nonce() }}"`` on each of their ``<script>`` tags when
  a ``csp_nonce`` function is defined (it is, here), and our templates do the same, so an injected
  ``<script>`` or ``onclick=`` does not run. Styles keep ``'unsafe-inline'``: FAB's templates carry some
  thirty ``style="..."`` attributes (and ours a few), which no nonce can cover; a style cannot run code.
- ``X-Frame-Options: DENY`` for browsers without ``frame-ancestors``; ``nosniff``; no referrer outside
  our origin; HSTS outside demo mode (the demo runs on plain http://127.0.0.1).
- ``Cache-Control: no-store`` on every answer to a logged-in user and on every API answer: they carry
  personal data that must not stay in a shared computer's cache. Static files keep their caching.
"""
from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request, session


def csp_nonce() -> str:
    """This answer's script nonce (one per request, made when first asked for)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def policy(nonce: str) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


HSTS = "max-age=31536000; includeSubDomains"


def _personal() -> bool:
    if request.endpoint in ("static", "favicon") or request.path.startswith("/static/"):
        return False
    return request.path.startswith("/api/") or "_user_id" in session


def set_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", policy(csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not current_app.config.get("DEMO_MODE"):
        headers.setdefault("Strict-Transport-Security", HSTS)
    if _personal():
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def init_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(set_headers)
