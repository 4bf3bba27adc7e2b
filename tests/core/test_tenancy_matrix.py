"""The tenancy matrix: every URL and every tenant object type, with every persona.

Private things of Kabupaten Merauke carry markers. Every persona requests every URL; the markers
must appear for the personas entitled to them (so the test can fail) and nowhere else. Every
tenant model is checked through the access layer the same way. A new URL with parameters or a
new tenant model fails these tests until it is added to the tables below.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from melayani.audit.services import audit_record
from melayani.core import access, services
from melayani.core.models import OPD, Pemda, Role, RoleAssignment
from tests.api.matrix_entries import API_OBJECT_TYPES, API_URL_KWARGS
from tests.complaints.matrix_entries import COMPLAINT_OBJECT_TYPES, COMPLAINT_URL_KWARGS
from tests.conftest import PERSONA_NAMES, World
from tests.core.factories import UserFactory
from tests.evaluation.matrix_entries import EVALUATION_OBJECT_TYPES, EVALUATION_URL_KWARGS
from tests.privacy.matrix_entries import PRIVACY_OBJECT_TYPES, PRIVACY_URL_KWARGS
from tests.surveys.matrix_entries import SURVEY_OBJECT_TYPES
from tests.surveys.web_matrix_entries import SURVEY_URL_KWARGS

pytestmark = pytest.mark.django_db

OPD_MARKER = "MRKSECRETUNIT"
APPLICANT_MARKER = "MRKSECRETAPPLICANT"
PERSON_MARKER = "MRKSECRETPERSON"

# Who may see Merauke's OPD tree (opd.view on the whole Pemda) and its people (people.view).
SEES_OPD_TREE = {
    "pemda_admin",
    "reform_team",
    "inspector",
    "complaint_coordinator",
    "dpo",
    "leader",
    "national_analyst",
    "kemenpanrb_evaluator",
    "platform_admin",
}
SEES_PEOPLE = {"pemda_admin", "reform_team", "inspector", "dpo", "leader", "platform_admin"}
ALL_PERSONAS = (*PERSONA_NAMES, "anonymous")


# Parameters for every URL that takes them: pointed at Merauke's objects.
def _catalog_kwargs(w: World, **extra: Any) -> dict[str, Any]:
    return {"pemda_code": w.merauke.code, "service_code": "matrix-akta", **extra}


URL_KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "catalog:manage": lambda w: {"pemda_code": w.merauke.code},
    "catalog:service-create": lambda w: {"pemda_code": w.merauke.code},
    "catalog:manage-service": _catalog_kwargs,
    "catalog:standard-draft-create": _catalog_kwargs,
    "catalog:standard": lambda w: _catalog_kwargs(w, version=1),
    "catalog:standard-publish": lambda w: _catalog_kwargs(w, version=1),
    "catalog:standard-new-version": lambda w: _catalog_kwargs(w, version=1),
    "catalog:row-add": lambda w: _catalog_kwargs(w, version=1, kind="requirements"),
    "catalog:row-change": lambda w: _catalog_kwargs(
        w,
        version=1,
        kind="requirements",
        pk=w.dukcapil.services.get(code="matrix-akta").standards.get().requirements.first().pk,
    ),
    "catalog:pledge-manage": lambda w: {"pemda_code": w.merauke.code, "opd_slug": w.dukcapil.slug},
    "catalog:pledge-publish": lambda w: {"pemda_code": w.merauke.code, "opd_slug": w.dukcapil.slug},
    "catalog:pemda": lambda w: {"pemda_code": w.merauke.code},
    "catalog:unit": lambda w: {"pemda_code": w.merauke.code, "opd_slug": w.dukcapil.slug},
    "catalog:service": _catalog_kwargs,
    "applications:apply": _catalog_kwargs,
    "applications:receipt": lambda w: {"code": _marked_application(w).tracking_code},
    "applications:status": lambda w: {"code": _marked_application(w).tracking_code},
    "applications:correct": lambda w: {"code": _marked_application(w).tracking_code},
    "workbench:detail": lambda w: {"pk": _marked_application(w).pk},
    "workbench:note": lambda w: {"pk": _marked_application(w).pk},
    "workbench:act": lambda w: {"pk": _marked_application(w).pk, "action": "claim"},
    "workbench:document": lambda w: {
        "pk": _marked_application(w).pk,
        "doc_pk": _marked_application(w).documents.get().pk,
    },
    "core:pemda-detail": lambda w: {"code": w.merauke.code},
    "core:pemda-settings": lambda w: {"code": w.merauke.code},
    "regions:children-json": lambda w: {"code": "93.01"},
    "regions:children-options": lambda w: {"code": "93.01"},
    **{
        f"workcalendar:{name}": (lambda w: {"pemda_code": w.merauke.code})
        for name in (
            "pemda-calendar",
            "day-off-add",
            "day-off-remove",
            "office-hours-set",
            "office-hours-reset",
        )
    },
}


def _marked_application(w: World) -> Any:
    from melayani.applications.models import Application

    return Application.objects.get(applicant_name__contains=APPLICANT_MARKER)


def _walk(
    resolvers: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, Any]]:
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry.callback


def site_urls(world: World) -> list[tuple[str, str, bool]]:
    """(name, path, is_public) for every GET-able URL; admin object pages are left to the admin."""
    found = []
    for route, name, callback in _walk(get_resolver().url_patterns):
        if route.startswith("^static") or route.startswith("static/"):
            continue
        is_admin = route.startswith("admin/")
        has_params = "<" in route or "(?P" in route
        if is_admin and has_params:
            continue  # object pages of the admin: the admin site itself is checked below
        if has_params:
            assert name in URL_KWARGS, f"add URL {name or route!r} to URL_KWARGS"
            from django.urls import reverse

            path = reverse(name, kwargs=URL_KWARGS[name](world))
        else:
            path = "/" + re.sub(r"^\^|\$$", "", route)
        public = getattr(callback, "login_required", True) is False
        found.append((name or route, path, public))
    return found


def client_for(persona: str, world: World) -> Client:
    client = Client()
    if persona == "anonymous":
        return client
    user = world[persona]
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="matrix", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def marked_world(world: World) -> World:
    services.opd_create(actor=None, pemda=world.merauke, name=f"Unit {OPD_MARKER}", kind="other")
    from tests.catalog.factories import published_service

    service = published_service(world.dukcapil, code="matrix-akta")
    from tests.applications.workbench_factories import application_make, document_make

    application = application_make(
        service, opd=world.dukcapil_service_desk, applicant_name=f"Warga {APPLICANT_MARKER}"
    )
    document_make(application)
    person = UserFactory(username="marked", full_name=f"Pejabat {PERSON_MARKER}")
    services.role_assignment_create(
        actor=None,
        user=person,
        role=Role.objects.get(code="reform_team", pemda=None),
        pemda=world.merauke,
    )
    audit_record(
        actor=person,
        action="matrix.marked",
        target=world.merauke,
        pemda=world.merauke,
        after={"note": "x"},
    )
    return world


def test_every_url_with_every_persona_leaks_nothing(marked_world: World) -> None:
    world = marked_world
    urls = site_urls(world)
    assert len(urls) >= 10
    seen_opd: set[str] = set()
    seen_applicant: set[str] = set()
    seen_person: set[str] = set()
    for persona in ALL_PERSONAS:
        client = client_for(persona, world)
        for name, path, public in urls:
            response = client.get(path)
            raw = b"".join(response.streaming_content) if response.streaming else response.content
            body = raw.decode(errors="replace")
            if OPD_MARKER in body:
                seen_opd.add(persona)
            if PERSON_MARKER in body:
                seen_person.add(persona)
            if APPLICANT_MARKER in body:
                seen_applicant.add(persona)
            if persona == "anonymous" and not public:
                assert response.status_code in (302, 404, 405), (name, response.status_code)
            assert response.status_code < 500, (persona, name, response.status_code)
    assert seen_opd - SEES_OPD_TREE == set(), "Merauke's units leaked"
    assert seen_person - SEES_PEOPLE == set(), "Merauke's people leaked"
    assert seen_applicant - APPLICATION_VIEWERS == set(), "an applicant's data leaked"
    # The markers are shown to those entitled, so the leak checks above can fail.
    assert seen_opd == SEES_OPD_TREE
    assert seen_person == SEES_PEOPLE
    assert seen_applicant == APPLICATION_VIEWERS


def test_admin_site_only_for_platform_admins(world: World) -> None:
    for persona in ALL_PERSONAS:
        response = client_for(persona, world).get("/admin/core/pemda/")
        if persona == "platform_admin":
            assert response.status_code == 200
        else:
            assert response.status_code in (302, 403, 404), persona


# --- Object types -----------------------------------------------------------------------------


def _assignment(w: World) -> RoleAssignment:
    return RoleAssignment.objects.get(user=w["reform_team"])


def _audit_event(w: World) -> Any:
    return audit_record(actor=None, action="matrix.object", target=w.merauke, pemda=w.merauke)


def _merauke_role(w: World) -> Role:
    return Role.objects.create(code="matrix-role", name="Matrix", pemda=w.merauke, scope="pemda")


def _local_day_off(w: World) -> Any:
    import datetime

    from melayani.workcalendar.models import LocalDayOff

    return LocalDayOff.objects.create(
        pemda=w.merauke, date=datetime.date(2026, 12, 31), name="Hari jadi"
    )


def _office_hours(w: World) -> Any:
    from melayani.workcalendar.models import OfficeHours

    return OfficeHours.objects.create(**_office_hours_fields(OfficeHours, w.merauke))


def _office_hours_fields(model: Any, pemda: Pemda) -> dict[str, Any]:
    import datetime

    fields = {f.name for f in model._meta.get_fields()}
    values: dict[str, Any] = {"pemda": pemda}
    if "weekday" in fields:
        values["weekday"] = 0
    if "opens" in fields:
        values.update(opens=datetime.time(8), closes=datetime.time(16))
    return values


# model label → (make a Merauke instance, the action that reads it, personas that may read it).
# OPD-scoped roles reach only objects that belong to their unit (models with ``opd_field``) and
# objects shared within their Pemda (``shared_within_pemda``); other whole-Pemda objects are out
# of their reach.
UNIT_STAFF = {"officer", "opd_head", "liaison"}
OBJECT_TYPES: dict[str, tuple[Callable[[World], Any], str, set[str]]] = {
    "core.pemda": (lambda w: w.merauke, "pemda.view", SEES_OPD_TREE | UNIT_STAFF),
    "core.opd": (lambda w: w.dinkes, "opd.view", SEES_OPD_TREE),
    "core.role": (_merauke_role, "people.view", SEES_PEOPLE),
    "core.roleassignment": (_assignment, "people.view", SEES_PEOPLE),
    "audit.auditevent": (_audit_event, "audit.view_events", {"inspector", "dpo", "platform_admin"}),
    "workcalendar.localdayoff": (_local_day_off, "pemda.view", SEES_OPD_TREE | UNIT_STAFF),
    "workcalendar.officehours": (_office_hours, "pemda.view", SEES_OPD_TREE | UNIT_STAFF),
}


def _service(w: World) -> Any:
    from melayani.catalog.models import ServiceType

    return ServiceType.objects.create(
        pemda=w.merauke, opd=w.dukcapil, code=f"akta-{uuid.uuid4().hex[:8]}", name="Akta Kelahiran"
    )


def _standard(w: World) -> Any:
    from melayani.catalog.models import ServiceStandard

    text = "x"
    return ServiceStandard.objects.create(
        service=_service(w),
        version=1,
        completion_time_value=5,
        completion_time_unit="working_days",
        product=text,
        complaint_handling=text,
        legal_basis=text,
        facilities=text,
        staff_competence=text,
        internal_supervision=text,
        staff_count=text,
        service_guarantee=text,
        safety_guarantee=text,
        performance_evaluation=text,
    )


def _requirement(w: World) -> Any:
    return _standard(w).requirements.create(order=1, text="KTP", needs_upload=True)


def _step(w: World) -> Any:
    return _standard(w).steps.create(order=1, text="Datang")


def _form_field(w: World) -> Any:
    return _standard(w).form_fields.create(order=1, key="nama", label="Nama", field_type="text")


def _pledge(w: World) -> Any:
    from melayani.catalog.models import ServicePledge

    return ServicePledge.objects.create(opd=w.dukcapil, version=1, text="Kami siap melayani")


def _application(w: World) -> Any:
    import secrets

    from django.utils import timezone

    from melayani.applications.models import Application

    standard = _standard(w)
    return Application.objects.create(
        pemda=w.merauke,
        opd=w.dukcapil_service_desk,
        service=standard.service,
        standard=standard,
        tracking_code=secrets.token_hex(5).upper(),
        applicant_name="Warga",
        applicant_phone="+6281234567890",
        submitted_at=timezone.now(),
    )


def _application_child(name: str) -> Callable[[World], Any]:
    def make(w: World) -> Any:
        from django.core.files.base import ContentFile
        from django.utils import timezone

        application = _application(w)
        now = timezone.now()
        if name == "document":
            return application.documents.create(
                field_key="ktp",
                file=ContentFile(b"%PDF-1.4", name="ktp.pdf"),
                original_name="ktp.pdf",
                content_type="application/pdf",
                size=8,
                sha256="0" * 64,
            )
        if name == "event":
            return application.events.create(created_at=now, action="submitted")
        if name == "suspension":
            return application.suspensions.create(started_at=now, reason="Berkas kurang")
        if name == "extension":
            return application.extensions.create(
                amount=2, unit="working_days", reason="x", created_at=now
            )
        return application.notes.create(author=w["officer"], text="catatan", created_at=now)

    return make


CATALOG_MANAGERS = {"opd_head", "pemda_admin", "platform_admin"}
APPLICATION_VIEWERS = {"officer", "opd_head", "pemda_admin", "inspector"}
OBJECT_TYPES.update(
    {
        "catalog.servicetype": (_service, "catalog.manage", CATALOG_MANAGERS),
        "catalog.servicestandard": (_standard, "catalog.manage", CATALOG_MANAGERS),
        "catalog.requirement": (_requirement, "catalog.manage", CATALOG_MANAGERS),
        "catalog.procedurestep": (_step, "catalog.manage", CATALOG_MANAGERS),
        "catalog.formfield": (_form_field, "catalog.manage", CATALOG_MANAGERS),
        "catalog.servicepledge": (_pledge, "catalog.manage", CATALOG_MANAGERS),
        "applications.application": (_application, "services.view", APPLICATION_VIEWERS),
        "applications.applicationdocument": (
            _application_child("document"),
            "services.view",
            APPLICATION_VIEWERS,
        ),
        "applications.applicationevent": (
            _application_child("event"),
            "services.view",
            APPLICATION_VIEWERS,
        ),
        "applications.clocksuspension": (
            _application_child("suspension"),
            "services.view",
            APPLICATION_VIEWERS,
        ),
        "applications.deadlineextension": (
            _application_child("extension"),
            "services.view",
            APPLICATION_VIEWERS,
        ),
        "applications.applicationnote": (
            _application_child("note"),
            "services.view",
            APPLICATION_VIEWERS,
        ),
    }
)


URL_KWARGS.update(API_URL_KWARGS)
URL_KWARGS.update(SURVEY_URL_KWARGS)
URL_KWARGS.update(PRIVACY_URL_KWARGS)
URL_KWARGS.update(COMPLAINT_URL_KWARGS)
OBJECT_TYPES.update(API_OBJECT_TYPES)
OBJECT_TYPES.update(SURVEY_OBJECT_TYPES)
OBJECT_TYPES.update(PRIVACY_OBJECT_TYPES)
OBJECT_TYPES.update(COMPLAINT_OBJECT_TYPES)
URL_KWARGS.update(EVALUATION_URL_KWARGS)
OBJECT_TYPES.update(EVALUATION_OBJECT_TYPES)


def test_citizens_reach_only_what_they_own(world: World) -> None:
    from melayani.applications.models import Application

    mine = _application(world)
    mine.applicant_user = world["citizen"]
    mine.save(update_fields=["applicant_user"])
    other = _application(world)
    owned = access.owned(world["citizen"], Application.objects.all())
    assert list(owned) == [mine]
    assert other not in owned
    for persona in PERSONA_NAMES:
        if persona != "citizen":
            assert not access.owned(world[persona], Application.objects.all()).exists()


def tenant_models() -> set[str]:
    return {m._meta.label_lower for m in apps.get_models() if hasattr(m, "tenant_field")}


def test_every_tenant_model_is_in_the_matrix() -> None:
    assert tenant_models() == set(OBJECT_TYPES)


@pytest.mark.parametrize("label", sorted(OBJECT_TYPES))
def test_every_object_type_with_every_persona(world: World, label: str) -> None:
    make, action, allowed = OBJECT_TYPES[label]
    obj = make(world)
    model = type(obj)
    for persona in PERSONA_NAMES:
        user = world[persona]
        access.forget_scope(user)
        visible = access.scoped(user, model.objects.filter(pk=obj.pk), action).exists()
        assert visible == (persona in allowed), (label, persona, visible)


def test_opd_scoped_roles_reach_only_their_subtree(world: World) -> None:
    hidden = OPD.objects.filter(pemda=world.merauke).exclude(path__startswith=world.dukcapil.path)
    for persona in ("opd_head", "liaison", "officer"):
        assert not access.scoped(world[persona], hidden, "opd.view").exists()
