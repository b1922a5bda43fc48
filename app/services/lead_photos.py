"""Photos of a lead, checked and re-encoded before they are stored.

Why re-encode: a phone photo carries its GPS position and camera serial in EXIF, and a file named
``.jpg`` may be anything. Pillow must be able to read it as JPEG, PNG or WebP within the size limit; what
is stored is a fresh JPEG no larger than ``LEAD_PHOTO_MAX_SIDE`` pixels, with no metadata. Each photo gets a
random token; it is served only by the lead screens, after the lead's jurisdiction check.
"""
from __future__ import annotations

import io
import secrets

from PIL import Image, UnidentifiedImageError

from app.models import LeadPhoto

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")


class PhotoRefused(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code  # too_large | not_an_image | too_many


def checked_photo(data: bytes, max_bytes: int, max_side: int) -> bytes:
    """The stored JPEG of an uploaded photo, or :class:`PhotoRefused`."""
    if len(data) > max_bytes:
        raise PhotoRefused("too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise PhotoRefused("not_an_image")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > 50_000_000:  # a decompression bomb, whatever its byte size
                raise PhotoRefused("too_large")
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        if isinstance(exc, PhotoRefused):
            raise
        raise PhotoRefused("not_an_image") from exc
    picture.thumbnail((max_side, max_side))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85)
    return out.getvalue()


def photo_rows(uploads: list[bytes], limits: dict) -> list[LeadPhoto]:
    """The rows for a lead's uploads (``limits``: ``count``, ``bytes``, ``side``); all or nothing."""
    uploads = [data for data in uploads if data]
    if len(uploads) > limits["count"]:
        raise PhotoRefused("too_many")
    return [LeadPhoto(token=secrets.token_urlsafe(32), content_type="image/jpeg",
                      data=checked_photo(data, limits["bytes"], limits["side"])) for data in uploads]
