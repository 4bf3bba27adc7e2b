"""URLs for benchmark runs: the real site plus two bare twins to compare against.

``bare/read/<pk>`` reads one application row by primary key; ``bare/insert`` inserts one row in
a transaction. Both run in the same server, process and database as the real endpoints, so the
ratios measure what Melayani adds, not the machine.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@login_not_required
def bare_read(request: HttpRequest, pk: int) -> JsonResponse:
    from melayani.applications.models import Application

    row = Application.objects.values("tracking_code", "status").get(pk=pk)
    return JsonResponse(row)


@csrf_exempt
@login_not_required
def bare_insert(request: HttpRequest) -> JsonResponse:
    from melayani.core.models import IdempotencyKey

    with transaction.atomic():
        row = IdempotencyKey.objects.create(
            scope="bench", key=secrets.token_hex(16), fingerprint="0" * 64, status_code=201
        )
    return JsonResponse({"id": row.pk}, status=201)


urlpatterns = [
    path("bare/read/<int:pk>", bare_read),
    path("bare/insert", bare_insert),
    path("", include("melayani.urls")),
]
