from __future__ import annotations

import itertools
import uuid

import pytest
from django.db import transaction

from melayani.audit.hashing import changes_digest
from melayani.audit.models import NATIONAL_CHAIN, AppendOnlyError, AuditChainHead, AuditEvent
from melayani.audit.selectors import audit_verify
from melayani.audit.services import audit_record, audit_seal, audit_sealing_deferred
from melayani.core.models import OPD, Pemda, User
from tests.core.factories import OPDFactory, UserFactory

pytestmark = pytest.mark.django_db

NIK = "9301014107890001"
PHONE = "+6281234567890"


def test_record_stores_names_and_digest_never_personal_values(merauke: Pemda) -> None:
    officer = UserFactory(username="rec-officer", full_name="Yosina Gebze")
    opd = OPDFactory(pemda=merauke, name="Dinas Dukcapil Uji")
    before = {"nik": NIK, "phone": "", "status": "new"}
    after = {"nik": NIK, "phone": PHONE, "status": "verified", "note": "ok"}

    event = audit_record(
        actor=officer,
        action="citizen.updated",
        target=opd,
        pemda=merauke,
        before=before,
        after=after,
        context={"reason": "request 12"},
    )

    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert stored["chain"] == "93.01"
    assert stored["pemda_id"] == merauke.pk
    assert stored["actor_id"] == officer.pk
    assert stored["actor_label"] == "Yosina Gebze"
    assert stored["target_type"] == "core.opd"
    assert stored["target_id"] == str(opd.pk)
    assert stored["changed_fields"] == ["note", "phone", "status"]
    assert stored["digest"] == changes_digest(before, after)
    assert stored["context"] == {"reason": "request 12"}
    assert stored["seq"] is None  # sealing happens after commit
    text = repr(stored)
    assert NIK not in text
    assert PHONE not in text
    assert "6281234567890" not in text


def test_digest_is_keyed_and_detects_any_value_change() -> None:
    base = changes_digest({"phone": ""}, {"phone": PHONE})
    assert base == changes_digest({"phone": ""}, {"phone": PHONE})
    assert base != changes_digest({"phone": ""}, {"phone": PHONE[:-1] + "1"})
    assert base != changes_digest({"phone": ""}, {"phone": PHONE}, secret="another-key" * 5)


def test_citizen_and_system_actors_are_labelled_without_personal_data(merauke: Pemda) -> None:
    citizen = UserFactory(username="rec-citizen", full_name="Maria Kaize", kind=User.Kind.CITIZEN)
    by_citizen = audit_record(actor=citizen, action="application.submitted", pemda=merauke)
    by_system = audit_record(actor=None, action="deadline.escalated", pemda=merauke)
    assert by_citizen.actor_label == f"citizen #{citizen.pk}"
    assert by_system.actor_label == "system"
    assert by_system.actor_id is None


def test_record_seal_verify_ok(merauke: Pemda) -> None:
    events = [
        audit_record(
            actor=None, action=f"test.step{i}", target_type="x.y", target_id=str(i), pemda=merauke
        )
        for i in range(5)
    ]
    assert audit_seal(chain="93.01") == 5
    sealed = list(AuditEvent.objects.filter(chain="93.01").order_by("seq"))
    assert [e.seq for e in sealed] == [1, 2, 3, 4, 5]
    assert [e.pk for e in sealed] == [e.pk for e in events]  # id order among visible rows
    assert sealed[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(sealed))
    head = AuditChainHead.objects.get(chain="93.01")
    assert (head.last_seq, head.last_hash) == (5, sealed[-1].hash)
    [report] = audit_verify(chain="93.01")
    assert report.ok and report.checked == 5 and report.unsealed == 0
    assert audit_seal(chain="93.01") == 0  # idempotent


def test_seal_in_batches_continues_the_chain(merauke: Pemda) -> None:
    for i in range(7):
        audit_record(actor=None, action=f"batch.{i}", pemda=merauke)
    assert audit_seal(chain="93.01", limit=3) == 7
    audit_record(actor=None, action="batch.late", pemda=merauke)
    assert audit_seal() >= 1
    assert list(
        AuditEvent.objects.filter(chain="93.01").order_by("seq").values_list("seq", flat=True)
    ) == list(range(1, 9))
    assert all(r.ok for r in audit_verify())


def test_national_chain_for_events_without_pemda(db: None) -> None:
    event = audit_record(actor=None, action="platform.setting_changed", pemda=None)
    assert event.chain == NATIONAL_CHAIN
    assert event.pemda_id is None
    audit_seal(chain=NATIONAL_CHAIN)
    event.refresh_from_db()
    assert event.seq is not None
    assert audit_verify(chain=NATIONAL_CHAIN)[0].ok


def test_moved_object_is_recorded_in_both_chains(merauke: Pemda, yogyakarta: Pemda) -> None:
    event = audit_record(
        actor=None,
        action="complaint.rerouted",
        target_type="complaints.complaint",
        target_id="42",
        pemda=merauke,
        also_pemda=yogyakarta,
        before={"pemda": "93.01"},
        after={"pemda": "34.71"},
    )
    rows = list(AuditEvent.objects.filter(group=event.group).order_by("chain"))
    assert [r.chain for r in rows] == ["34.71", "93.01"]
    assert {r.pemda_id for r in rows} == {merauke.pk, yogyakarta.pk}
    assert rows[0].context == {"also_chain": "93.01"}
    assert rows[1].context == {"also_chain": "34.71"}
    assert len({(r.action, r.digest, r.target_id, r.created_at) for r in rows}) == 1
    audit_seal()
    reports = {r.chain: r for r in audit_verify()}
    assert reports["93.01"].ok and reports["93.01"].checked == 1
    assert reports["34.71"].ok and reports["34.71"].checked == 1


def test_also_pemda_same_as_pemda_records_once(merauke: Pemda) -> None:
    event = audit_record(actor=None, action="x.y", pemda=merauke, also_pemda=merauke)
    assert AuditEvent.objects.filter(group=event.group).count() == 1


def test_seal_runs_once_per_chain_after_commit(
    merauke: Pemda, yogyakarta: Pemda, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(3):
            audit_record(actor=None, action=f"commit.{i}", pemda=merauke)
        audit_record(actor=None, action="commit.other", pemda=yogyakarta)
        assert not AuditEvent.objects.filter(chain="93.01", seq__isnull=False).exists()
    assert len(callbacks) == 2
    assert not AuditEvent.objects.unsealed().filter(chain__in=["93.01", "34.71"]).exists()


def test_deferred_sealing_leaves_events_to_the_periodic_job(
    merauke: Pemda, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, audit_sealing_deferred():
        audit_record(actor=None, action="bulk.import", pemda=merauke)
    assert callbacks == []
    assert AuditEvent.objects.unsealed().filter(chain="93.01").count() == 1


def test_rolled_back_transaction_records_nothing(merauke: Pemda) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="doomed", pemda=merauke)
        raise RuntimeError
    assert not AuditEvent.objects.filter(action="doomed").exists()


def test_target_must_be_saved(merauke: Pemda) -> None:
    with pytest.raises(ValueError, match="primary key"):
        audit_record(actor=None, action="x", target=OPD(pemda=merauke), pemda=merauke)
    with pytest.raises(ValueError, match="action"):
        audit_record(actor=None, action="", pemda=merauke)


def test_orm_refuses_update_and_delete(merauke: Pemda) -> None:
    event = audit_record(actor=None, action="immutable", pemda=merauke)
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    events = AuditEvent.objects.filter(pk=event.pk)
    with pytest.raises(AppendOnlyError):
        events.update(action="changed")
    with pytest.raises(AppendOnlyError):
        events.update(seq=99)  # not even the seal fields
    with pytest.raises(AppendOnlyError):
        events.delete()
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([AuditEvent(id=event.pk, action="x")], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "immutable"


def test_group_is_a_random_uuid(merauke: Pemda) -> None:
    a = audit_record(actor=None, action="a", pemda=merauke)
    b = audit_record(actor=None, action="b", pemda=merauke)
    assert isinstance(a.group, uuid.UUID) and a.group != b.group
