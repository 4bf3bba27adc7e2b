"""Breach register: record, assess, issue the written notices within 3 × 24 hours."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from melayani.audit.models import AuditEvent
from melayani.privacy import selectors, services
from melayani.privacy.models import Breach, BreachNotice, BreachStatus
from tests.privacy.clients import client_for

pytestmark = pytest.mark.django_db

ASSESSMENT = {
    "data_disclosed": "Nama dan nomor telepon 120 pemohon akta kelahiran",
    "how": "Berkas ekspor dikirim ke alamat e-mail yang salah",
    "handling": "Penerima diminta menghapus; ekspor kini dibatasi",
    "subjects_affected": 120,
    "notify_subjects": True,
    "notify_public": False,
}


def test_breach_from_record_to_notices_on_the_clock(world) -> None:
    dpo = client_for("dpo", world)
    discovered = timezone.now() - dt.timedelta(hours=5)
    response = dpo.post(
        reverse("privacy:breach-new", args=[world.merauke.code]),
        {
            "title": "Ekspor terkirim ke alamat salah",
            "discovered_at": discovered.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    assert breach.status == BreachStatus.SUSPECTED
    assert breach.due_at - breach.discovered_at == dt.timedelta(hours=72)
    url = reverse("privacy:breach", args=[world.merauke.code, breach.reference])
    page = dpo.get(url).content.decode()
    assert "hours left" in page  # the clock is visible

    # Issuing before the assessment is refused.
    assert dpo.post(url, {"step": "issue"}).status_code == 400
    assert dpo.post(url, {"step": "assess", **ASSESSMENT}).status_code == 302
    assert dpo.post(url, {"step": "issue"}).status_code == 302
    breach.refresh_from_db()
    assert breach.status == BreachStatus.NOTIFIED and breach.notified_at <= breach.due_at
    notices = {n.audience: n.body for n in BreachNotice.objects.filter(breach=breach)}
    assert set(notices) == {"subjects", "authority"}
    for body in notices.values():
        # The content UU PDP Pasal 46 asks for: what data, when and how, handling and recovery.
        assert ASSESSMENT["data_disclosed"] in body
        assert ASSESSMENT["how"] in body
        assert ASSESSMENT["handling"] in body
        assert "Pasal 46" in body
    assert "120" in notices["authority"]
    event = AuditEvent.objects.get(action="privacy.breach_notified")
    assert event.context["on_time"] is True
    assert dpo.post(url, {"step": "close"}).status_code == 302
    breach.refresh_from_db()
    assert breach.status == BreachStatus.CLOSED


def test_an_incomplete_assessment_saves_nothing(world) -> None:
    breach = services.breach_record(actor=world["dpo"], pemda=world.merauke, title="x")
    with pytest.raises(services.PrivacyError):
        services.breach_assess(actor=world["dpo"], breach=breach, data_disclosed="Nama", how="")
    breach.refresh_from_db()
    assert breach.status == BreachStatus.SUSPECTED and breach.data_disclosed == ""


def test_bad_times_are_refused(world) -> None:
    now = timezone.now()
    with pytest.raises(services.PrivacyError):
        services.breach_record(
            actor=world["dpo"],
            pemda=world.merauke,
            title="x",
            discovered_at=now + dt.timedelta(hours=1),
        )
    with pytest.raises(services.PrivacyError):
        services.breach_record(
            actor=world["dpo"],
            pemda=world.merauke,
            title="x",
            discovered_at=now - dt.timedelta(hours=2),
            occurred_at=now - dt.timedelta(hours=1),
        )
    assert not Breach.objects.exists()


def test_the_clock_shows_late_and_done(world) -> None:
    due = timezone.now() - dt.timedelta(hours=1)
    assert selectors.legal_clock(due).tone == "overdue"
    assert selectors.legal_clock(due + dt.timedelta(hours=10)).tone == "soon"
    assert selectors.legal_clock(due + dt.timedelta(hours=60)).tone == "ok"
    assert selectors.legal_clock(due, stopped_at=due - dt.timedelta(minutes=1)).tone == "done"


def test_only_the_pemdas_dpo_reaches_breaches(world) -> None:
    breach = services.breach_record(actor=world["dpo"], pemda=world.merauke, title="x")
    url = reverse("privacy:breach", args=[world.merauke.code, breach.reference])
    for persona in ("officer", "inspector", "pemda_admin", "platform_admin", "other_pemda_admin"):
        assert client_for(persona, world).get(url).status_code == 404, persona
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.breach_record(actor=world["pemda_admin"], pemda=world.merauke, title="x")
