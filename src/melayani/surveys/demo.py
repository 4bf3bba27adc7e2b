"""Demo satisfaction answers: paper forms typed in by the demo officers of Dukcapil (Merauke and
Yogyakarta) over the last four quarters, so reports, trends and the public page have data.

Idempotent: a service that already has answers gets none.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from melayani.catalog.models import ServiceType
from melayani.core.models import User
from melayani.surveys.models import SurveyResponse
from melayani.surveys.services import response_enter_paper

# The demo officer who types the forms in, per Pemda (see core/demo.py).
TYPISTS = {"93.01": "merauke.petugas", "34.71": "jogja.petugas"}
PER_QUARTER = 24
# Unit-level tendencies make the units differ: (low, high) answers per unsur, U1…U9.
SKEW = (3, 4, 3, 4, 2, 3, 3, 4, 3)


def surveys_demo_seed() -> None:
    rng = random.Random(2026)  # noqa: S311 — demo data, not secrets; the same demo every time
    today = timezone.localdate()
    for pemda_code, username in TYPISTS.items():
        typist = User.objects.filter(username=username).first()
        if typist is None:
            continue
        services = ServiceType.objects.filter(
            pemda__code=pemda_code, opd__slug="dukcapil", standards__status="published"
        ).select_related("opd", "pemda")
        for service in services:
            if SurveyResponse.objects.filter(service=service).exists():
                continue
            for quarters_back in range(4):
                day = today - dt.timedelta(days=91 * quarters_back + 10)
                for _ in range(PER_QUARTER):
                    answers = {
                        f"U{i}": rng.choice((SKEW[i - 1], SKEW[i - 1], 4, 3, 2))
                        for i in range(1, 10)
                    }
                    response_enter_paper(
                        actor=typist, service=service, answers=answers, filled_on=day
                    )
