"""An image captcha that works offline (the ``captcha`` package draws it; no third-party service).

Stateless across workers: the challenge travels as a signed, timed token holding a random nonce and an
HMAC (keyed by the app's secret) of the nonce and the answer — the answer itself is never in it, and the
HMAC cannot be brute-forced offline without the secret. The picture goes out as a ``data:`` URL with the
token. A token is good once: its nonce is counted in the rate-limit storage (Redis when configured), so a
solved token replayed by a second request — on any worker — fails.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from captcha.image import ImageCaptcha
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

#: no 0/O, 1/I/L, 2/Z, 5/S, 8/B: letters a person tells apart on a small screen
ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
LENGTH = 4
_SALT = "tempaid-public-captcha"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def _mac(nonce: str, answer: str) -> str:
    key = hashlib.sha256((current_app.secret_key or "").encode() + _SALT.encode()).digest()
    return hmac.new(key, f"{nonce}:{answer.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def new_text() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def challenge() -> dict:
    """``{"token", "image"}``: a new challenge, the image a ``data:image/png;base64,…`` URL."""
    text = new_text()
    nonce = secrets.token_urlsafe(12)
    png = ImageCaptcha(width=160, height=60).generate(text, format="png").getvalue()
    return {"token": _serializer().dumps({"n": nonce, "h": _mac(nonce, text)}),
            "image": "data:image/png;base64," + base64.b64encode(png).decode()}


def _first_use(nonce: str, seconds: int) -> bool:
    from app.public.guard import counter_key, storage

    return storage().incr(counter_key(f"captcha/{nonce}"), seconds) == 1


def solved(token: str | None, answer: str | None) -> bool:
    """The answer fits the token's picture, within its time, for the first time."""
    seconds = current_app.config["PUBLIC_CAPTCHA_SECONDS"]
    if not isinstance(token, str) or not isinstance(answer, str) or not token or not answer:
        return False
    try:
        data = _serializer().loads(token, max_age=seconds)
        if not isinstance(data, dict) or not hmac.compare_digest(str(data.get("h")),
                                                                 _mac(str(data.get("n")), answer)):
            return False
    except (BadSignature, UnicodeError):  # a forged token, or text no UTF-8 can carry (lone surrogates)
        return False
    return _first_use(str(data["n"]), seconds)
