"""Personal data held by ``complaints`` (format: ``melayani/privacy/README.md``), and how a
reporter proves who they are: the tracking code plus the phone or e-mail given.

Who may see the reporter whole is decided by :mod:`melayani.complaints.access` (anonim hides the
identity from units; whistleblowing reports only for the Inspektorat); ``visible_to`` below names
the action whose holders may see the fields unmasked, and every such read is logged.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from melayani.core.fields import blind_index_candidates
from melayani.privacy.inventory import (
    DELETE_FILE,
    LawfulBasis,
    Mask,
    PersonalField,
    PersonalRecord,
    Retention,
    RetentionAction,
    SubjectIdentity,
    declare,
    declare_not_personal,
    register_verifier,
)

KEEP_REASON = _(
    "Complaint records are archives the Pemda must keep; the report stays, without your "
    "personal data, so that complaint statistics remain correct."
)
FIVE_YEARS = 5 * 365
_MATCH = {
    "phone": "reporter_phone",
    "email": "reporter_email__iexact",
    "nik_index": "reporter_nik_index",
}


def _through(prefix: str) -> dict[str, str]:
    return {kind: f"{prefix}__{path}" for kind, path in _MATCH.items()}


declare(
    PersonalRecord(
        model="complaints.Complaint",
        description=_("Complaints, aspirations, information requests and whistleblowing reports"),
        purpose=_("Receiving, routing and answering reports about public services"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Reporters"),
        fields=(
            PersonalField("reporter_name", Mask.NAME, erase="—"),
            PersonalField("reporter_phone", Mask.PHONE),
            PersonalField("reporter_email", Mask.EMAIL),
            PersonalField("reporter_nik", Mask.NIK),
            PersonalField("reporter_nik_index", export=False),
            # Free text people may fill with personal data (their own or others').
            PersonalField("text", Mask.HIDDEN, erase="—"),
            PersonalField("title", Mask.HIDDEN, erase="—"),
            PersonalField("location_text", Mask.HIDDEN),
            PersonalField("latitude", Mask.HIDDEN, erase=None),
            PersonalField("longitude", Mask.HIDDEN, erase=None),
        ),
        subject_match=dict(_MATCH),
        visible_to=("complaints.coordinate", "complaints.view_integrity"),
        retention=Retention(
            closed_at=("closed_at",),
            days=FIVE_YEARS,
            action=RetentionAction.ANONYMISE,
            keep_reason=KEEP_REASON,
        ),
    ),
    PersonalRecord(
        model="complaints.ComplaintAttachment",
        description=_("Photos and documents attached to a report"),
        purpose=_("Checking and following up the report"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Reporters"),
        fields=(
            PersonalField("file", Mask.HIDDEN, erase=DELETE_FILE),
            PersonalField("original_name", Mask.HIDDEN),
        ),
        subject_match=_through("complaint"),
        visible_to=("complaints.coordinate",),
        retention=Retention(
            closed_at=("complaint__closed_at",), days=365, action=RetentionAction.DELETE
        ),
    ),
    PersonalRecord(
        model="complaints.ComplaintEvent",
        description=_("Messages on a report's timeline (the reporter's replies and reasons)"),
        purpose=_("Following up the report"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Reporters"),
        fields=(PersonalField("message", Mask.HIDDEN, erase="—"),),
        subject_match=_through("complaint"),
        visible_to=("complaints.coordinate",),
        retention=Retention(
            closed_at=("complaint__closed_at",),
            days=FIVE_YEARS,
            action=RetentionAction.ANONYMISE,
            keep_reason=KEEP_REASON,
        ),
    ),
    PersonalRecord(
        model="complaints.ComplaintResponse",
        description=_("Answers to a report"),
        purpose=_("Answering the reporter"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Reporters"),
        fields=(
            PersonalField("text", Mask.HIDDEN, erase="—"),
            PersonalField("review_note", Mask.HIDDEN, erase=""),
        ),
        subject_match=_through("complaint"),
        visible_to=("complaints.coordinate", "complaints.handle"),
        retention=Retention(
            closed_at=("complaint__closed_at",),
            days=FIVE_YEARS,
            action=RetentionAction.ANONYMISE,
            keep_reason=KEEP_REASON,
        ),
    ),
)
declare_not_personal(
    "complaints.Complaint", "edited_title", reason="the coordinator's published title"
)
declare_not_personal(
    "complaints.ComplaintDisposition", "note", reason="an instruction between officials"
)


def verify_by_tracking_code(pemda: Any, code: str, contact: str) -> SubjectIdentity | None:
    """The reporter behind a report of ``pemda`` with this code and contact, or ``None`` alike
    for an unknown code, a wrong contact and another Pemda's report."""
    from melayani.complaints.models import Complaint
    from melayani.complaints.selectors import complaint_track

    try:
        complaint = complaint_track(tracking_code=code, contact=contact)
    except Complaint.DoesNotExist:
        return None
    if complaint.pemda_id != pemda.pk:
        return None
    nik_indexes: tuple[str, ...] = ()
    if complaint.reporter_nik:
        nik_indexes = tuple(blind_index_candidates(complaint.reporter_nik, purpose="nik"))
    return SubjectIdentity(
        pemda_id=pemda.pk,
        phones=(complaint.reporter_phone,) if complaint.reporter_phone else (),
        emails=(complaint.reporter_email.lower(),) if complaint.reporter_email else (),
        nik_indexes=nik_indexes,
        user_id=None,
    )


register_verifier("complaints", verify_by_tracking_code)
