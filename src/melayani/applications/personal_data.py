"""Personal data held by ``applications`` (see ``melayani/privacy/README.md`` for the format),
and how a citizen proves who they are: the tracking code plus the phone or e-mail on record."""

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
    register_verifier,
)

#: Public-service records are archives the Pemda must keep (UU 43/2009 on archives); after the
#: retention period only the personal data goes, the application and its timeline stay.
KEEP_REASON = _(
    "Records of public services are archives the Pemda must keep; the application stays, "
    "without your personal data, so that service statistics remain correct."
)
ANONYMISED_NAME = "—"
FIVE_YEARS = 5 * 365

declare(
    PersonalRecord(
        model="applications.Application",
        description=_("Online applications for a public service"),
        purpose=_("Providing the service applied for and telling the applicant about progress"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Applicants"),
        fields=(
            PersonalField("applicant_name", Mask.NAME, erase=ANONYMISED_NAME),
            PersonalField("applicant_phone", Mask.PHONE),
            PersonalField("applicant_email", Mask.EMAIL),
            PersonalField("applicant_nik", Mask.NIK),
            PersonalField("applicant_nik_index", export=False),
            PersonalField("applicant_address", Mask.HIDDEN),
            PersonalField("answers_private", Mask.HIDDEN),
            PersonalField("description", Mask.HIDDEN),
            PersonalField("location_lat", Mask.HIDDEN, erase=None),
            PersonalField("location_long", Mask.HIDDEN, erase=None),
            PersonalField("applicant_user", Mask.HIDDEN, erase=None, export=False),
        ),
        subject_match={
            "phone": "applicant_phone",
            "email": "applicant_email__iexact",
            "nik_index": "applicant_nik_index",
            "user": "applicant_user",
        },
        visible_to=("services.handle", "personal_data.view_unmasked"),
        retention=Retention(
            closed_at=("completed_at", "rejected_at"),
            days=FIVE_YEARS,
            action=RetentionAction.ANONYMISE,
            keep_reason=KEEP_REASON,
        ),
    ),
    PersonalRecord(
        model="applications.ApplicationDocument",
        description=_("Documents uploaded with an application"),
        purpose=_("Checking the requirements of the service applied for"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Applicants"),
        fields=(
            PersonalField("file", Mask.HIDDEN, erase=DELETE_FILE),
            PersonalField("original_name", Mask.HIDDEN),
        ),
        subject_match={
            "phone": "application__applicant_phone",
            "email": "application__applicant_email__iexact",
            "nik_index": "application__applicant_nik_index",
            "user": "application__applicant_user",
        },
        visible_to=("services.view",),
        retention=Retention(
            closed_at=("application__completed_at", "application__rejected_at"),
            days=365,
            action=RetentionAction.DELETE,
        ),
    ),
    PersonalRecord(
        model="applications.ApplicationNote",
        description=_("Officers' notes on an application"),
        purpose=_("Handling the application"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Applicants"),
        fields=(PersonalField("text", Mask.HIDDEN, erase="—"),),
        subject_match={
            "phone": "application__applicant_phone",
            "email": "application__applicant_email__iexact",
            "nik_index": "application__applicant_nik_index",
            "user": "application__applicant_user",
        },
        visible_to=("services.view",),
        retention=Retention(
            closed_at=("application__completed_at", "application__rejected_at"),
            days=FIVE_YEARS,
            action=RetentionAction.ANONYMISE,
            keep_reason=KEEP_REASON,
        ),
    ),
)


def verify_by_tracking_code(pemda: Any, code: str, contact: str) -> SubjectIdentity | None:
    """The identity behind an application of ``pemda`` with this code and contact, or ``None``
    alike for an unknown code, a wrong contact and another Pemda's application."""
    from melayani.applications.models import Application
    from melayani.applications.selectors import application_track

    try:
        application = application_track(tracking_code=code, contact=contact)
    except Application.DoesNotExist:
        return None
    if application.pemda_id != pemda.pk:
        return None
    nik_indexes: tuple[str, ...] = ()
    if application.applicant_nik:
        nik_indexes = tuple(blind_index_candidates(application.applicant_nik, purpose="nik"))
    return SubjectIdentity(
        pemda_id=pemda.pk,
        phones=(application.applicant_phone,) if application.applicant_phone else (),
        emails=(application.applicant_email.lower(),) if application.applicant_email else (),
        nik_indexes=nik_indexes,
        user_id=application.applicant_user_id,
    )


register_verifier("applications", verify_by_tracking_code)
