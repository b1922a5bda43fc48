"""Reminder e-mails, when SMTP is configured: one message per user listing their new reminders, received by
a local SMTP server (aiosmtpd) in the test; sent once — a second run sends nothing already sent."""
from __future__ import annotations

import email
import socket

import pytest

from app.jobs.tasks import _send_mails
from app.models.audit import utcnow
from app.services.reminders import remind_overdue
from tests.services.test_reminders import _late_fire


@pytest.fixture()
def smtp(app, monkeypatch):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    monkeypatch.setitem(app.config, "SMTP_FROM", "tempaid@office.invalid")
    yield inbox
    controller.stop()


def test_each_user_gets_one_mail_listing_their_overdue_cases(app, session, rules, smtp):
    first, second = _late_fire(app, session, rules), _late_fire(app, session, rules)
    reminded = remind_overdue(session, utcnow())
    assert _send_mails(session, reminded, utcnow()) == len(reminded.notifications)
    to_approver = [message for rcpt, message in smtp.messages if rcpt == ["township_approver_370811@tempaid.invalid"]]
    assert len(to_approver) == 1
    message = to_approver[0]
    body = message.get_payload(decode=True).decode(message.get_content_charset())
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    assert "逾期" in subject and first.number in body and second.number in body and "先行救助时限" in body
    assert "pre_assist_due" not in body and "+00:00" not in body
    assert all(note.emailed_at is not None for notes in reminded.notifications.values() for note in notes)
    before = len(smtp.messages)
    assert _send_mails(session, reminded, utcnow()) == 0 and len(smtp.messages) == before
