"""Demo satisfaction answers: paper forms typed in by the demo officers of Dukcapil (Merauke and
Yogyakarta) over the last four quarters, so reports, trends and the public page have data; then
follow-up plans on the weakest unsur (one done, one in progress) made by the unit's planner.

Idempotent: a service that already has answers gets none; a unit that has plans gets no more.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from melayani.catalog.models import ServiceType
from melayani.core.models import OPD, User
from melayani.surveys import followup_selectors, followup_services
from melayani.surveys.models import FollowUpPlan, SurveyResponse
from melayani.surveys.periods import QUARTER, Period
from melayani.surveys.services import response_enter_paper

# The demo officer who types the forms in, per Pemda (see core/demo.py).
TYPISTS = {"93.01": "merauke.petugas", "34.71": "jogja.petugas"}
PER_QUARTER = 24
# Who plans the follow-up (``surveys.manage`` on Dukcapil), per Pemda.
PLANNERS = {"93.01": "merauke.kadis", "34.71": "jogja.admin"}
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
    for pemda_code, username in PLANNERS.items():
        planner = User.objects.filter(username=username).first()
        unit = OPD.objects.filter(pemda__code=pemda_code, slug="dukcapil").first()
        if planner is not None and unit is not None:
            _followups_seed(planner, unit, today)


def _followups_seed(planner: User, unit: OPD, today: dt.date) -> None:
    """Two plans on the weakest unsur: two quarters ago (done), last quarter (in progress)."""
    if FollowUpPlan.objects.filter(opd=unit).exists():
        return
    due = followup_services.followup_default_due(unit.pemda)
    for quarters_back, status in ((2, "done"), (1, "in_progress")):
        period = Period.containing(today - dt.timedelta(days=91 * quarters_back), QUARTER)
        weakest = [c for c in followup_selectors.followup_candidates(unit, period) if c.weakest]
        if not weakest:
            continue
        plan = followup_services.followup_create(
            actor=planner,
            opd=unit,
            period=period,
            unsur=weakest[0].code,
            action=DEMO_ACTIONS[weakest[0].code],
            owner="Kepala Bidang Pelayanan Pendaftaran Penduduk",
            due_on=due,
        )
        if status == "done":
            followup_services.followup_transition(
                actor=planner,
                plan=plan,
                to_status="done",
                note="Dilaksanakan; foto dan surat tugas diunggah ke arsip unit.",
            )
        else:
            followup_services.followup_transition(actor=planner, plan=plan, to_status="in_progress")


# A plausible action for each unsur (demo text in Bahasa Indonesia, as a unit would write it).
DEMO_ACTIONS = {
    "U1": "Menyederhanakan dan menempel daftar persyaratan di loket dan situs web.",
    "U2": "Menyusun alur layanan bergambar dan memasang papan alur di ruang tunggu.",
    "U3": "Menambah petugas loket pada jam sibuk dan memantau waktu penyelesaian harian.",
    "U4": "Mengumumkan bahwa layanan gratis di loket, situs web dan media sosial.",
    "U5": "Memeriksa ulang produk layanan sebelum diserahkan kepada pemohon.",
    "U6": "Pelatihan teknis petugas pelayanan setiap triwulan.",
    "U7": "Pelatihan budaya pelayanan (BerAKHLAK) bagi petugas garis depan.",
    "U8": "Memperbaiki kursi ruang tunggu dan menambah kipas angin.",
    "U9": "Menanggapi setiap pengaduan SP4N-LAPOR! dalam lima hari kerja.",
}
