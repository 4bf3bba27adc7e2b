"""Demo data of personal-data protection in Merauke: an access request made with a demo
application's tracking code (prepared, not yet closed), a suspected breach, a WhatsApp consent.

Idempotent: nothing is added where the Pemda already has requests, breaches or consents. The
privacy app imports no domain app: the request is verified through the registered verifiers, as
a citizen's would be.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.utils import timezone

from melayani.core.models import Pemda, User
from melayani.privacy import services
from melayani.privacy.inventory import verifiers
from melayani.privacy.models import Breach, Consent, SubjectRequest

PEMDA_CODE = "93.01"
DPO_USERNAME = "merauke.dpo"


def privacy_demo_seed() -> None:
    pemda = Pemda.objects.filter(code=PEMDA_CODE).first()
    dpo = User.objects.filter(username=DPO_USERNAME).first()
    if pemda is None or dpo is None:
        return
    if not Breach.objects.filter(pemda=pemda).exists():
        services.breach_record(
            actor=dpo,
            pemda=pemda,
            title="Rekap pemohon terkirim ke alamat e-mail yang salah",
            discovered_at=timezone.now() - dt.timedelta(hours=20),
            description="Berkas rekap dikirim ke alamat di luar Pemda; sedang ditelusuri.",
        )
    application = _demo_application(pemda)
    if application is None:
        return
    contact = application.applicant_phone or application.applicant_email
    if not SubjectRequest.objects.filter(pemda=pemda).exists():
        for verify in verifiers().values():
            identity = verify(pemda, application.tracking_code, contact)
            if identity is not None:
                request = services.subject_request_submit(
                    pemda=pemda,
                    kind="access",
                    identity=identity,
                    verified_by="tracking_code",
                    contact=contact,
                )
                services.subject_request_export(actor=dpo, request=request)
                break
    if application.applicant_phone and not Consent.objects.filter(pemda=pemda).exists():
        services.consent_give(pemda=pemda, purpose="whatsapp", contact=application.applicant_phone)


def _demo_application(pemda: Pemda) -> Any:
    if not apps.is_installed("melayani.applications"):
        return None
    model = apps.get_model("applications", "Application")
    return (
        model._default_manager.filter(pemda=pemda)
        .exclude(applicant_phone="")
        .order_by("pk")
        .first()
    )
