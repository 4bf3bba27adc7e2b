"""Telling people about complaints: the reporter, and the officials who must act.

Everything is sent after the transaction commits. Staff messages carry only
:func:`~melayani.complaints.access.staff_notice_line` (code, classification, status) and a link —
never the reporter, the report's words or, for whistleblowing, the unit concerned — and each
recipient is checked against :func:`~melayani.complaints.access.capacity` first, so a
notification never reaches someone who could not open the report. The reporter's messages carry
their own tracking code and the news.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from melayani.complaints import access as complaint_access
from melayani.complaints.models import Complaint, Escalation
from melayani.core import access
from melayani.core.masking import mask_phone
from melayani.core.models import OPD, User
from melayani.core.selectors import action_holders

logger = logging.getLogger(__name__)


class MessageSender(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class LoggingSender:
    def send(self, *, to: str, text: str) -> None:
        logger.info("complaint message not sent (no gateway configured) to %s", mask_phone(to))


_sender: MessageSender = LoggingSender()


def message_sender_set(sender: MessageSender) -> MessageSender:
    """Register the SMS/WhatsApp gateway; returns the previous one (tests record with it)."""
    global _sender
    previous, _sender = _sender, sender
    return previous


def _url(name: str, **kwargs: Any) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    try:
        return base + reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return base


def tell_reporter(complaint: Complaint, headline: str, detail: str = "") -> None:
    from melayani.complaints.tracking import tracking_code_display

    email, phone = complaint.reporter_email, complaint.reporter_phone
    if not email and not phone:
        return
    code = tracking_code_display(complaint.tracking_code)
    subject = _("Report %(code)s — %(headline)s") % {"code": code, "headline": headline}
    lines = [headline]
    if detail:
        lines += ["", detail]
    lines += ["", _("Follow your report: %(url)s") % {"url": _url("complaints:track")}]
    sms = f"{code}: {headline}"[:480]

    def deliver() -> None:
        if email:
            try:
                send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [email])
            except Exception:
                logger.exception("complaint e-mail could not be sent")
        if phone:
            try:
                _sender.send(to=phone, text=sms)
            except Exception:
                logger.exception("complaint message could not be sent to %s", mask_phone(phone))

    transaction.on_commit(deliver)


def _send_staff(complaint: Complaint, users: Iterable[User], subject: str, lead: str) -> None:
    link = _url("complaints:detail", pk=complaint.pk)
    body = "\n".join([lead, "", complaint_access.staff_notice_line(complaint), link])
    recipients = sorted(
        {
            u.email
            for u in users
            if u.email and complaint_access.capacity(u, complaint) != complaint_access.Capacity.NONE
        }
    )
    for user in users:
        access.forget_scope(user)
    if not recipients:
        return

    def deliver() -> None:
        for address in recipients:
            try:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
            except Exception:
                logger.exception("complaint staff e-mail could not be sent")

    transaction.on_commit(deliver)


def _coordinators(complaint: Complaint) -> list[User]:
    action = (
        complaint_access.INTEGRITY if complaint.is_whistleblowing else complaint_access.COORDINATE
    )
    return action_holders(pemda_id=complaint.pemda_id, action=action)


def tell_staff_new(complaint: Complaint) -> None:
    _send_staff(
        complaint,
        _coordinators(complaint),
        _("New report to verify"),
        _("A new report needs verification:"),
    )


def tell_units(
    complaint: Complaint, opds: list[OPD], *, returned: bool = False, disputed: bool = False
) -> None:
    if not opds:
        return
    users = action_holders(
        pemda_id=complaint.pemda_id, action=complaint_access.HANDLE, opds=opds, pemda_wide=False
    )
    if disputed:
        subject, lead = _("A reporter disputed your answer"), _("Look at this report again:")
    elif returned:
        subject, lead = _("Answer returned for changes"), _("The coordinator returned your answer:")
    else:
        subject, lead = _("A report was disposed to your unit"), _("Follow up this report:")
    _send_staff(complaint, users, subject, lead)


def tell_coordinators_review(complaint: Complaint, *, disputed: bool = False) -> None:
    subject = _("A reporter disputed an answer") if disputed else _("An answer awaits review")
    _send_staff(complaint, _coordinators(complaint), subject, subject + ":")


def tell_escalation(complaint: Complaint, *, level: int, units: list[OPD]) -> None:
    if level >= Escalation.INSPECTORATE:
        users = action_holders(pemda_id=complaint.pemda_id, action=complaint_access.INTEGRITY)
        _send_staff(
            complaint,
            users,
            _("Overdue report escalated to the Inspektorat"),
            _("This report is still overdue after its escalation:"),
        )
        return
    if complaint.is_whistleblowing:
        users = _coordinators(complaint)
    elif units:
        # The unit's head: whoever supervises the unit's work on it or above it.
        users = action_holders(
            pemda_id=complaint.pemda_id, action="services.supervise", opds=units, pemda_wide=False
        )
    else:
        users = _coordinators(complaint)
    _send_staff(complaint, users, _("Overdue report"), _("This report is overdue:"))
