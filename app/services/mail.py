"""E-mail through the office's SMTP server, when one is configured (``SMTP_HOST``); otherwise none is sent.

Why the standard library and not an extension: one plain-text message per user per run is all the app
sends, and ``smtplib`` speaks STARTTLS and login as well as any wrapper would.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formataddr


def configured(config) -> bool:
    return bool(config.get("SMTP_HOST"))


def send(config, to: str, subject: str, body: str) -> None:
    """Send one message; raises on a refused or failed delivery (the job records and retries it)."""
    message = EmailMessage()
    message["From"] = formataddr((config.get("APP_NAME", ""), config.get("SMTP_FROM") or "tempaid@localhost"))
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], int(config.get("SMTP_PORT") or 25), timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)
