"""The demo seeder: every state, some overdue, idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from melayani.applications.demo import PLAN, applications_demo_seed
from melayani.applications.models import Application, ApplicationStatus
from tests.applications.factories import service_make

pytestmark = pytest.mark.django_db


def test_demo_seed(world):
    world.merauke.is_active = True
    world.merauke.save(update_fields=["is_active"])
    service_make(
        world.dukcapil_service_desk,
        fields=(
            ("nama", "Nama", "text", ""),
            ("nik", "NIK", "nik", ""),
            ("alamat", "Alamat", "address", ""),
            ("jenis", "Jenis", "choice", "A\nB"),
        ),
    )
    assert applications_demo_seed() == len(PLAN)
    assert applications_demo_seed() == 0
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(ApplicationStatus.values)
    assert Application.objects.filter(due_at__lt=timezone.now(), status="in_process").exists()
