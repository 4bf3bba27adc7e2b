"""Who sees which complaint, and which part of it: the ONE place for complaint confidentiality.

Built on :mod:`melayani.core.access` (grants from role assignments). Every page, list, export,
API answer and notification about a complaint goes through these functions:

* :func:`complaints_visible` — the complaints a user may open at all;
* :func:`complaint_for` — one of them, or ``Http404`` (existence is never revealed);
* :func:`capacity` — in which capacity the user acts on it (coordinator, integrity, unit);
* :func:`reporter_for` — what of the reporter's identity the user may see;
* :func:`complaint_row` — the one serialisation for lists, exports and the API;
* :func:`public_complaints` / :func:`public_row` — what the public sees;
* :func:`staff_notice_line` — the one line about a complaint that staff notifications carry.

The rules (COMPLAINTS.md §7, issue 4):

* **Whistleblowing** reports are seen only by the Pemda's Inspektorat and the integrity officers
  the Pemda designates — holders of ``complaints.view_integrity`` through a Pemda-wide role — and
  never by anyone holding a role in the unit the report concerns. The coordinator loses sight of
  a report once it is (re)classified as whistleblowing; units never receive one. Platform-wide
  roles do not reach them either: "platform staff run the platform".
* Other reports: the Pemda's coordinators (``complaints.coordinate``) see all of them; a unit's
  staff (``complaints.handle``) those with an active disposition to their unit or a unit below;
  the Inspektorat also those escalated to it.
* **Anonim** hides the reporter's identity from the units and the public; the coordinator and the
  Inspektorat still see it (it is needed for verification), contacts masked until they ask to
  see them whole — a read that is logged; the NIK whole only with ``personal_data.view_unmasked``.
* **Rahasia** hides the whole report from the public. Whistleblowing reports are never public.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from melayani.complaints.models import (
    Classification,
    Complaint,
    ComplaintStatus,
    Escalation,
)
from melayani.core import access
from melayani.core.masking import mask_email, mask_nik, mask_phone

COORDINATE = "complaints.coordinate"
HANDLE = "complaints.handle"
INTEGRITY = "complaints.view_integrity"
UNMASKED = "personal_data.view_unmasked"

WB = Q(classification=Classification.WHISTLEBLOWING)
#: States in which a report may be shown to the public (verified and not withdrawn).
PUBLIC_STATUSES = (
    ComplaintStatus.VERIFIED,
    ComplaintStatus.ASSIGNED,
    ComplaintStatus.FOLLOWED_UP,
    ComplaintStatus.AWAITING_REPORTER,
    ComplaintStatus.CLOSED,
)


class Capacity(enum.StrEnum):
    NONE = "none"
    COORDINATOR = "coordinator"  # classify, route, review (integrity officers for whistleblowing)
    INTEGRITY = "integrity"  # the Inspektorat or a designated integrity officer
    UNIT = "unit"  # staff of a unit the report is disposed to


def _ancestor_paths(path: str) -> list[str]:
    """``"/1/2/"`` → ``["/1/", "/1/2/"]``: the unit and the units above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _visibility(user: Any) -> tuple[Q | None, bool]:
    """The condition on ``Complaint`` for what ``user`` may open (``None``: nothing), and
    whether it joins the dispositions (then each complaint must be taken once)."""
    scope = access.user_scope(user)
    condition = Q()
    joins = False
    if COORDINATE in scope.everywhere:
        condition |= ~WB
    else:
        coordinated = scope.pemda_ids(COORDINATE)
        if coordinated:
            condition |= Q(pemda_id__in=coordinated) & ~WB
    handled_pemdas = scope.pemda_ids(HANDLE)
    if HANDLE in scope.everywhere:
        condition |= ~WB
    elif handled_pemdas:
        condition |= Q(pemda_id__in=handled_pemdas, dispositions__is_active=True) & ~WB
        joins = True
    for grant in scope.opd_grants(HANDLE):
        condition |= (
            Q(
                dispositions__is_active=True,
                dispositions__to_opd__path__startswith=grant.path,
            )
            & ~WB
        )
        joins = True
    integrity_pemdas = scope.pemda_ids(INTEGRITY)
    if integrity_pemdas:
        integrity = Q(pemda_id__in=integrity_pemdas) & (
            WB | Q(escalation_level__gte=Escalation.INSPECTORATE)
        )
        # Never to the unit the report concerns: not to anyone holding a role in it, in a unit
        # below it or in one above it.
        for grant in scope.by_opd:
            related = Q(concerned_opd__path__startswith=grant.path) | Q(
                concerned_opd__path__in=_ancestor_paths(grant.path)
            )
            integrity &= ~(WB & related)
        condition |= integrity
    if not condition:
        return None, False
    return condition, joins


def complaints_visible(
    user: Any, queryset: QuerySet[Complaint] | None = None
) -> QuerySet[Complaint]:
    """The complaints ``user`` may open (each once, whatever joins the rules need)."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    condition, joins = _visibility(user)
    if condition is None:
        return queryset.none()
    if not joins:
        return queryset.filter(condition)
    return queryset.filter(pk__in=Complaint.objects.filter(condition).values("pk"))


def complaint_for(user: Any, pk: Any) -> Complaint:
    """One complaint the user may open, or ``Http404`` — the same for "not yours" and "none"."""
    try:
        return (
            complaints_visible(user)
            .select_related("pemda", "concerned_opd", "service", "region")
            .get(pk=int(pk))
        )
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _integrity_holder(user: Any, complaint: Complaint) -> bool:
    scope = access.user_scope(user)
    if complaint.pemda_id not in scope.pemda_ids(INTEGRITY):
        return False
    concerned = complaint.concerned_opd
    if complaint.is_whistleblowing and concerned is not None:
        return not any(
            concerned.path.startswith(g.path) or g.path.startswith(concerned.path)
            for g in scope.by_opd
        )
    return True


def capacity(user: Any, complaint: Complaint) -> Capacity:
    """The strongest capacity in which ``user`` acts on ``complaint``."""
    if complaint.is_whistleblowing:
        return Capacity.COORDINATOR if _integrity_holder(user, complaint) else Capacity.NONE
    if access.can(user, COORDINATE, pemda=complaint.pemda_id):
        return Capacity.COORDINATOR
    if unit_grants(user, complaint):
        return Capacity.UNIT
    if complaint.escalation_level >= Escalation.INSPECTORATE and _integrity_holder(user, complaint):
        return Capacity.INTEGRITY
    return Capacity.NONE


def unit_grants(user: Any, complaint: Complaint) -> list[Any]:
    """The complaint's active dispositions the user may answer for (its unit or one above)."""
    if complaint.is_whistleblowing:
        return []
    scope = access.user_scope(user)
    pemda_wide = HANDLE in scope.everywhere or complaint.pemda_id in scope.pemda_ids(HANDLE)
    paths = [g.path for g in scope.opd_grants(HANDLE)]
    if not pemda_wide and not paths:
        return []
    # ``.all()`` so that a list prefetches the dispositions once (see selectors.complaint_queue).
    return [
        d
        for d in complaint.dispositions.all()
        if d.is_active and (pemda_wide or any(d.to_opd.path.startswith(p) for p in paths))
    ]


def can_coordinate(user: Any, complaint: Complaint) -> bool:
    return capacity(user, complaint) == Capacity.COORDINATOR


def can_coordinate_in(user: Any, pemda_id: int) -> bool:
    """May enter and coordinate reports of this Pemda (the officer-entered intake)."""
    return access.can(user, COORDINATE, pemda=pemda_id) or (
        pemda_id in access.user_scope(user).pemda_ids(INTEGRITY)
    )


# --- the reporter's identity ------------------------------------------------------------------


@dataclass(frozen=True)
class ReporterView:
    """What one viewer may see of the reporter. ``hidden``: the identity is withheld."""

    hidden: bool
    name: str = ""
    phone: str = ""
    email: str = ""
    nik: str = ""
    masked: bool = True


def reporter_for(user: Any, complaint: Complaint, *, unmasked: bool = False) -> ReporterView:
    """The reporter as ``user`` may see them.

    Coordinators and integrity officers see who reported, with masked contacts; asked for
    ``unmasked`` (the caller logs the read) they see the phone and e-mail whole — they must be
    able to reach the reporter — and the NIK only with ``personal_data.view_unmasked``. Unit
    staff see the name and masked contacts, unless the report is anonymous. Anyone else sees
    nothing.
    """
    role = capacity(user, complaint)
    if role == Capacity.NONE or (role == Capacity.UNIT and complaint.is_anonymous):
        return ReporterView(hidden=True)
    nik = complaint.reporter_nik or ""
    if unmasked and role in (Capacity.COORDINATOR, Capacity.INTEGRITY):
        whole_nik = access.can(user, UNMASKED, pemda=complaint.pemda_id)
        return ReporterView(
            hidden=False,
            name=complaint.reporter_name,
            phone=complaint.reporter_phone,
            email=complaint.reporter_email,
            nik=nik if whole_nik else (mask_nik(nik) if nik else ""),
            masked=False,
        )
    return ReporterView(
        hidden=False,
        name=complaint.reporter_name,
        phone=mask_phone(complaint.reporter_phone) if complaint.reporter_phone else "",
        email=mask_email(complaint.reporter_email) if complaint.reporter_email else "",
        nik=mask_nik(nik) if nik else "",
    )


def may_see_attachments(user: Any, complaint: Complaint) -> bool:
    """Attachments may show who reported (a photo, a letter): not to units when anonymous."""
    role = capacity(user, complaint)
    return role in (Capacity.COORDINATOR, Capacity.INTEGRITY) or (
        role == Capacity.UNIT and not complaint.is_anonymous
    )


def may_reveal(user: Any, complaint: Complaint) -> bool:
    """May ask for the reporter's contact whole (each time logged)."""
    return capacity(user, complaint) in (Capacity.COORDINATOR, Capacity.INTEGRITY)


def reporter_label(view: ReporterView) -> str:
    if view.hidden:
        return _("Anonymous reporter")
    return view.name or _("(no name given)")


def complaint_row(user: Any, complaint: Complaint) -> dict[str, Any]:
    """The one serialisation of a complaint for staff lists, exports and the API."""
    reporter = reporter_for(user, complaint)
    return {
        "id": complaint.pk,
        "tracking_code": complaint.tracking_code,
        "status": complaint.status,
        "status_label": str(complaint.get_status_display()),
        "classification": complaint.classification,
        "classification_label": str(complaint.get_classification_display()),
        "category": complaint.category,
        "tags": list(complaint.tags or []),
        "channel": complaint.channel,
        "title": complaint.display_title,
        "original_title": complaint.title,
        "text": complaint.text,
        "is_anonymous": complaint.is_anonymous,
        "is_confidential": complaint.is_confidential,
        "reporter": reporter_label(reporter),
        "reporter_phone": reporter.phone,
        "reporter_email": reporter.email,
        "unit_concerned": complaint.concerned_opd.name if complaint.concerned_opd else "",
        "stage": complaint.stage,
        "due_at": complaint.due_at,
        "submitted_at": complaint.submitted_at,
        "escalation_level": complaint.escalation_level,
        "dispute_count": complaint.dispute_count,
    }


# --- the public -------------------------------------------------------------------------------


def public_complaints(queryset: QuerySet[Complaint] | None = None) -> QuerySet[Complaint]:
    """Reports the public may see: verified, not confidential, not whistleblowing."""
    queryset = Complaint.objects.all() if queryset is None else queryset
    return queryset.filter(status__in=PUBLIC_STATUSES, is_confidential=False).exclude(WB)


_NIK_LIKE = re.compile(r"\b\d[\d .\-]{14,}\d\b")
_PHONE_LIKE = re.compile(r"(\+?\d[\d .\-]{7,}\d)")
_EMAIL_LIKE = re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+")


def redact(text: str) -> str:
    """Remove what looks like personal data (NIK, phone numbers, e-mail addresses) from text."""
    text = _EMAIL_LIKE.sub("[…]", text or "")
    text = _NIK_LIKE.sub("[…]", text)
    return _PHONE_LIKE.sub("[…]", text)


def public_row(complaint: Complaint, answers: list[str] | None = None) -> dict[str, Any]:
    """What the public sees of a public report: no reporter, no original text, redacted."""
    if (
        complaint.is_confidential
        or complaint.is_whistleblowing
        or complaint.status not in PUBLIC_STATUSES
    ):
        raise ValueError("not a public report")
    title = complaint.edited_title or complaint.title
    if complaint.reporter_name and not complaint.edited_title:
        title = title.replace(complaint.reporter_name, "[…]")
    return {
        "title": redact(title),
        "classification": str(complaint.get_classification_display()),
        "category": complaint.category,
        "status": str(complaint.get_status_display()),
        "submitted_on": complaint.submitted_at.date(),
        "unit": complaint.concerned_opd.name if complaint.concerned_opd else "",
        "answers": [redact(a) for a in (answers or [])],
    }


# --- notifications ----------------------------------------------------------------------------


def staff_notice_line(complaint: Complaint) -> str:
    """The one line about a complaint that any staff notification carries: code, class, stage.

    Never the reporter, the text, or (for whistleblowing) the unit concerned.
    """
    from melayani.complaints.tracking import tracking_code_display

    return _("%(code)s · %(classification)s · %(status)s") % {
        "code": tracking_code_display(complaint.tracking_code),
        "classification": complaint.get_classification_display(),
        "status": complaint.get_status_display(),
    }
