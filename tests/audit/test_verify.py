from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from melayani.audit.models import AuditChainHead, AuditEvent
from melayani.audit.selectors import ChainReport, audit_verify
from melayani.audit.services import audit_record, audit_seal
from melayani.core.models import Pemda
from tests.audit.conftest import Tamper

pytestmark = pytest.mark.django_db


def _sealed_chain(pemda: Pemda, n: int = 5) -> list[AuditEvent]:
    for i in range(1, n + 1):
        audit_record(
            actor=None,
            action=f"step.{i}",
            target_type="t.t",
            target_id=str(i),
            pemda=pemda,
            after={"n": i},
        )
    audit_seal(chain=pemda.code)
    return list(AuditEvent.objects.filter(chain=pemda.code).order_by("seq"))


def _report(chain: str) -> ChainReport:
    [report] = audit_verify(chain=chain)
    return report


def test_intact_chains_verify_and_command_says_ok(merauke: Pemda, yogyakarta: Pemda) -> None:
    _sealed_chain(merauke)
    _sealed_chain(yogyakarta, 2)
    audit_record(actor=None, action="not.sealed.yet", pemda=merauke)
    report = _report("93.01")
    assert report.ok and report.checked == 5 and report.unsealed == 1 and report.last_seq == 5
    out = StringIO()
    call_command("verify_audit", "--pemda", "93.01", stdout=out)
    assert out.getvalue().strip() == "OK 93.01: 5 sealed event(s), 1 not sealed yet"
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "OK 34.71: 2 sealed event(s)" in out.getvalue()


def test_edited_event_is_named(merauke: Pemda, tamper: Tamper) -> None:
    events = _sealed_chain(merauke)
    tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["step.forged", events[2].pk])
    problem = _report("93.01").problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.event_id) == ("edited", 3, events[2].pk)
    assert problem.action == "step.forged"
    err = StringIO()
    with pytest.raises(CommandError, match="1 audit chain"):
        call_command("verify_audit", "--pemda", "93.01", stderr=err)
    assert f"TAMPERED 93.01: edited at seq 3, event {events[2].pk}, action 'step.forged'" in (
        err.getvalue()
    )


@pytest.mark.parametrize("column", ["created_at", "actor_label", "digest", "target_id"])
def test_any_covered_column_edit_is_detected(merauke: Pemda, tamper: Tamper, column: str) -> None:
    events = _sealed_chain(merauke, 3)
    value = timezone.now() if column == "created_at" else "forged"
    tamper(
        f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s",  # noqa: S608
        [value, events[1].pk],
    )
    problem = _report("93.01").problem
    assert problem is not None and (problem.kind, problem.event_id) == ("edited", events[1].pk)


def test_deleted_event_is_named_at_the_next_one(merauke: Pemda, tamper: Tamper) -> None:
    events = _sealed_chain(merauke)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    problem = _report("93.01").problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.event_id) == ("deleted", 3, events[2].pk)
    assert "2" in problem.detail


def test_deleted_last_event_is_caught_by_the_head(merauke: Pemda, tamper: Tamper) -> None:
    events = _sealed_chain(merauke)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    problem = _report("93.01").problem
    assert problem is not None and (problem.kind, problem.seq) == ("truncated", 5)


def test_replaced_event_breaks_the_link(merauke: Pemda, tamper: Tamper) -> None:
    events = _sealed_chain(merauke)
    # Recompute nothing, just swap in another event's hash as this one's link.
    tamper("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", ["f" * 64, events[3].pk])
    problem = _report("93.01").problem
    assert problem is not None and (problem.kind, problem.event_id) == ("deleted", events[3].pk)


def _forge(pemda: Pemda, tamper: Tamper, *, seq: int) -> int:
    tamper(
        'INSERT INTO audit_auditevent (chain, pemda_id, "group", created_at, actor_label, action,'
        " target_type, target_id, changed_fields, digest, context, seq, prev_hash, hash, sealed_at)"
        " VALUES (%s, %s, %s, %s, 'system', 'forged', '', '', '[]', '', '{}', %s, %s, %s, %s)",
        [pemda.code, pemda.pk, "0" * 32, timezone.now(), seq, "0" * 64, "a" * 64, timezone.now()],
    )
    return AuditEvent.objects.get(action="forged").pk


def test_forged_event_with_out_of_order_seq_is_named(merauke: Pemda, tamper: Tamper) -> None:
    _sealed_chain(merauke, 3)
    forged = _forge(merauke, tamper, seq=0)
    problem = _report("93.01").problem
    assert problem is not None and (problem.kind, problem.event_id) == ("inserted", forged)


def test_forged_event_after_the_head_is_named(merauke: Pemda, tamper: Tamper) -> None:
    _sealed_chain(merauke, 3)
    forged = _forge(merauke, tamper, seq=4)
    problem = _report("93.01").problem
    assert problem is not None and (problem.kind, problem.seq, problem.event_id) == (
        "inserted",
        4,
        forged,
    )


def test_duplicated_seq_is_refused_by_the_database(merauke: Pemda, tamper: Tamper) -> None:
    _sealed_chain(merauke, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        _forge(merauke, tamper, seq=2)


def test_missing_head_is_reported(merauke: Pemda) -> None:
    _sealed_chain(merauke, 2)
    AuditChainHead.objects.filter(chain="93.01").delete()
    problem = _report("93.01").problem
    assert problem is not None and problem.kind == "no_head"


def test_sealing_after_tampering_does_not_hide_it(merauke: Pemda, tamper: Tamper) -> None:
    events = _sealed_chain(merauke, 3)
    tamper("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [events[0].pk])
    audit_record(actor=None, action="later", pemda=merauke)
    audit_seal(chain="93.01")
    problem = _report("93.01").problem
    assert problem is not None and problem.event_id == events[0].pk


def test_seal_command(merauke: Pemda) -> None:
    audit_record(actor=None, action="cmd", pemda=merauke)
    out = StringIO()
    call_command("audit_seal", "--pemda", "93.01", stdout=out)
    assert out.getvalue().strip() == "sealed 1 event(s)"
    assert _report("93.01").ok


def test_seal_task(merauke: Pemda) -> None:
    from melayani.audit.tasks import audit_seal_task

    audit_record(actor=None, action="task", pemda=merauke)
    result = audit_seal_task.enqueue(chain="93.01")  # immediate backend in tests
    assert result.return_value == 1


@pytest.mark.postgres
def test_postgres_trigger_refuses_update_and_delete_but_allows_sealing(merauke: Pemda) -> None:
    assert connection.vendor == "postgresql"
    event = audit_record(actor=None, action="guarded", pemda=merauke)
    with connection.cursor() as cursor:
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
        audit_seal(chain="93.01")  # the sealer's UPDATE of an unsealed row passes
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE audit_auditevent SET seq = 99 WHERE id = %s", [event.pk])
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert _report("93.01").ok
