"""Personal data held by ``privacy`` itself, and by the third-party apps the platform installs
(which cannot declare their own; see ``README.md`` for the format)."""

from django.utils.translation import gettext_lazy as _

from melayani.privacy.inventory import (
    LawfulBasis,
    Mask,
    PersonalField,
    PersonalRecord,
    Retention,
    RetentionAction,
    declare,
    declare_not_personal,
)

_SUBJECTS = _("Citizens who exercise their rights")

declare(
    PersonalRecord(
        model="privacy.SubjectRequest",
        description=_("Data-subject requests (access, correction, deletion, withdrawal)"),
        purpose=_("Fulfilling the rights of data subjects (UU 27/2022 Pasal 5–14)"),
        basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=_SUBJECTS,
        fields=(
            PersonalField("identity", Mask.HIDDEN, export=False),
            PersonalField("identity_digest", export=False),
            PersonalField("contact", Mask.HIDDEN),
            PersonalField("details", Mask.HIDDEN),
            PersonalField("export", Mask.HIDDEN, export=False),
        ),
        visible_to=("privacy.manage",),
        retention=Retention(
            closed_at=("completed_at",),
            days=2 * 365,
            action=RetentionAction.ANONYMISE,
            keep_reason=_("The Pemda must be able to show that it answered your request."),
        ),
    ),
    PersonalRecord(
        model="privacy.Consent",
        description=_("Consents to optional features"),
        purpose=_("Knowing who agreed to optional contact, and who withdrew"),
        basis=LawfulBasis.CONSENT,
        subjects=_("Citizens who gave consent"),
        fields=(
            PersonalField("contact", Mask.HIDDEN),
            PersonalField("contact_index", export=False),
        ),
        subject_match={"contact_index": "contact_index", "user": "user"},
        visible_to=("privacy.manage",),
        retention=Retention(closed_at=("withdrawn_at",), days=365, action=RetentionAction.DELETE),
    ),
    PersonalRecord(
        model="axes.AccessAttempt",
        description=_("Failed sign-in attempts"),
        purpose=_("Protecting accounts against password guessing"),
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        subjects=_("People who try to sign in"),
        fields=(
            PersonalField("username", Mask.HIDDEN),
            PersonalField("ip_address", Mask.HIDDEN),
        ),
    ),
    PersonalRecord(
        model="axes.AccessFailureLog",
        description=_("Log of failed sign-ins"),
        purpose=_("Protecting accounts against password guessing"),
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        subjects=_("People who try to sign in"),
        fields=(
            PersonalField("username", Mask.HIDDEN),
            PersonalField("ip_address", Mask.HIDDEN),
        ),
    ),
    PersonalRecord(
        model="axes.AccessLog",
        description=_("Log of sign-ins"),
        purpose=_("Protecting accounts against misuse"),
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        subjects=_("Officials and citizens with an account"),
        fields=(
            PersonalField("username", Mask.HIDDEN),
            PersonalField("ip_address", Mask.HIDDEN),
        ),
    ),
)
declare_not_personal("auth.Permission", "name", reason="the name of a permission")
declare_not_personal("auth.Group", "name", reason="the name of a group")
declare_not_personal("otp_totp.TOTPDevice", "name", reason="a label of an authenticator")
declare_not_personal(
    "django_tasks_database.DBTaskResult",
    "queue_name",
    "backend_name",
    reason="names of task queues",
)
