"""The demo seeder: every state, some overdue, idempotent."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from melayani.applications.demo import PLAN, applications_demo_seed
from melayani.applications.models import Application, ApplicationStatus
from melayani.applications.services import due_message
from tests.applications.factories import service_make

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


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
    # Steps happen on different days, in order, and the timeline's promise is the due moment.
    for app in Application.objects.exclude(submitted_at__gte=timezone.now() - DAY):
        moments = list(app.events.order_by("pk").values_list("created_at", flat=True))
        assert moments == sorted(moments) and len(set(moments)) == len(moments)
        assert moments[0] == app.submitted_at and moments[-1] < timezone.now()
        assert all(d.uploaded_at == app.submitted_at for d in app.documents.all())
        if app.verified_at is not None:
            verify = app.events.get(action="verify")
            assert verify.created_at == app.verified_at
            if app.status != "returned":  # the clock stopped after it was promised
                assert verify.message == due_message(app)
        if app.completed_at is not None:
            assert app.events.get(action="complete").created_at == app.completed_at
