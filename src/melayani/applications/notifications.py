"""Telling the applicant: e-mail on every citizen-visible change, and SMS/WhatsApp senders.

Everything here is sent only after the transaction that made the change commits
(:func:`application_notify` schedules it with ``transaction.on_commit``), so a rolled-back change
tells nobody. Messages carry the tracking code and the news, never the applicant's NIK or address.
Logs never carry personal data: a phone number is masked, an e-mail address is not logged.

An SMS/WhatsApp gateway is a :class:`MessageSender`. The default (no setting needed) only logs
that a message would have gone out; a deployment registers its gateway with
:func:`message_sender_set`, tests use :class:`RecordingSender`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from melayani.core.masking import mask_phone
from melayani.privacy.selectors import message_allowed

logger = logging.getLogger(__name__)


@runtime_checkable
class MessageSender(Protocol):
    """A short-message channel (SMS, WhatsApp). ``to`` is an E.164 phone number.

    A gateway may say which channel it is with a ``channel`` attribute (``"sms"`` when absent);
    WhatsApp is an optional feature, so its messages go only to numbers with consent in force
    (:func:`melayani.privacy.selectors.message_allowed`)."""

    def send(self, *, to: str, text: str) -> None: ...


class LoggingSender:
    """The default: no gateway, so it only notes (masked) that a message was due."""

    def send(self, *, to: str, text: str) -> None:
        logger.info("message not sent (no gateway configured) to %s", mask_phone(to))


@dataclass
class SentMessage:
    to: str
    text: str


@dataclass
class RecordingSender:
    """A test double that keeps what it was asked to send."""

    messages: list[SentMessage] = field(default_factory=list)

    def send(self, *, to: str, text: str) -> None:
        self.messages.append(SentMessage(to, text))


_sender: MessageSender = LoggingSender()


def message_sender() -> MessageSender:
    return _sender


def message_sender_set(sender: MessageSender) -> MessageSender:
    """Register the gateway (e.g. in an ``AppConfig.ready``); returns the previous one."""
    global _sender
    previous, _sender = _sender, sender
    return previous


@contextmanager
def using_sender(sender: MessageSender) -> Iterator[MessageSender]:
    previous = message_sender_set(sender)
    try:
        yield sender
    finally:
        message_sender_set(previous)


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str
    sms: str


def application_notify(
    *, email: str, phone: str, notice: Notice, pemda_id: int | None = None
) -> None:
    """Send ``notice`` by e-mail and short message once the current transaction commits."""
    email, phone = email or "", phone or ""
    if not email and not phone:
        return

    def deliver() -> None:
        if email:
            try:
                send_mail(notice.subject, notice.body, settings.DEFAULT_FROM_EMAIL, [email])
            except Exception:
                logger.exception("application e-mail could not be sent")
        sender = message_sender()
        channel = getattr(sender, "channel", "sms")
        if phone and not message_allowed(pemda=pemda_id, channel=channel, to=phone):
            logger.info("%s message not sent (no consent) to %s", channel, mask_phone(phone))
        elif phone:
            try:
                sender.send(to=phone, text=notice.sms)
            except Exception:
                logger.exception("application message could not be sent to %s", mask_phone(phone))

    transaction.on_commit(deliver)


def staff_notify(*, emails: list[str], subject: str, body: str) -> None:
    """E-mail officials (e.g. OPD heads about overdue work) once the transaction commits."""
    recipients = sorted({e for e in emails if e})
    if not recipients:
        return

    def deliver() -> None:
        for address in recipients:
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            except Exception:
                logger.exception("staff e-mail could not be sent")

    transaction.on_commit(deliver)
