"""Every complaints URL with every persona: no error, nothing of a report leaks, staff pages
closed to visitors. (The project-wide matrix in tests/core does the same for all apps.)"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from melayani.complaints import services
from tests.complaints.factories import report, report_data
from tests.complaints.matrix_entries import COMPLAINT_URL_KWARGS
from tests.conftest import PERSONA_NAMES
from tests.core.test_tenancy_matrix import _walk, client_for

pytestmark = pytest.mark.django_db
MARK = "WALKSECRETREPORT"
NAME = "Walk Reporter Secretname"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _urls(world):
    found = []
    for route, name, callback in _walk(get_resolver().url_patterns):
        if not (name.startswith("complaints:") or name.startswith("api-v1:complaint")):
            continue
        if "<" in route:
            path = reverse(name, kwargs=COMPLAINT_URL_KWARGS[name](world))
        else:
            path = "/" + re.sub(r"^\^|\$$", "", route)
        found.append((name, path, getattr(callback, "login_required", True) is False))
    return found


def test_walk(cw):
    complaint = report(cw.merauke, title=f"{MARK} judul", reporter_name=NAME)
    cw._matrix_complaint = complaint
    urls = _urls(cw)
    assert len(urls) >= 20
    viewers = {"complaint_coordinator"}
    for persona in (*PERSONA_NAMES, "anonymous"):
        client = client_for(persona, cw)
        for name, path, public in urls:
            response = client.get(path)
            assert response.status_code < 500, (persona, name, response.status_code)
            if persona == "anonymous" and not public:
                assert response.status_code in (302, 404, 405), (name, response.status_code)
            raw = b"" if response.streaming else response.content
            body = raw.decode(errors="replace")
            if persona not in viewers:
                assert MARK not in body and NAME not in body, (persona, name)


def test_attachments_follow_the_reporter_rules(cw):
    data = report_data(is_anonymous="on")
    files = {"attachments": [SimpleUploadedFile("bukti.png", PNG, content_type="image/png")]}
    complaint = services.complaint_submit(pemda=cw.merauke, data=data, files=files)
    services.complaint_dispose(
        actor=cw["complaint_coordinator"], complaint=complaint, opds=[cw.dukcapil]
    )
    attachment = complaint.attachments.get()
    url = reverse(
        "complaints:attachment", kwargs={"pk": complaint.pk, "attachment_pk": attachment.pk}
    )
    ok = client_for("complaint_coordinator", cw).get(url)
    assert ok.status_code == 200 and b"".join(ok.streaming_content) == PNG
    # Anonymous: the unit does not get the files (a photo or letter may show who reported).
    assert client_for("liaison", cw).get(url).status_code == 404
    assert client_for("other_pemda_admin", cw).get(url).status_code == 404
