"""The demo seeder: every state and class, some overdue, anonymous, confidential; idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from melayani.complaints.demo import PLAN, complaints_demo_seed
from melayani.complaints.models import Classification, Complaint, ComplaintStatus
from melayani.core.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_demo_seed(reference_data):
    demo_seed()
    assert complaints_demo_seed() == len(PLAN)
    assert complaints_demo_seed() == 0
    assert Complaint.objects.count() == len(PLAN)
    statuses = set(Complaint.objects.values_list("status", flat=True))
    # Every state; "not our authority" passes straight on to "forwarded".
    assert statuses == set(ComplaintStatus.values) - {ComplaintStatus.NOT_OUR_AUTHORITY}
    assert set(Complaint.objects.values_list("classification", flat=True)) == set(
        Classification.values
    )
    assert Complaint.objects.filter(due_at__lt=timezone.now(), status="assigned").exists()
    assert Complaint.objects.filter(is_anonymous=True).exists()
    assert Complaint.objects.filter(is_confidential=True, classification="complaint").exists()
