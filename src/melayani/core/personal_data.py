"""Personal data held by ``core`` (see ``melayani/privacy/README.md`` for the format)."""

from django.utils.translation import gettext_lazy as _

from melayani.privacy.inventory import (
    LawfulBasis,
    Mask,
    PersonalField,
    PersonalRecord,
    declare,
    declare_not_personal,
)


def _deleted_username(user: object) -> str:
    return f"deleted-{user.pk}"  # type: ignore[attr-defined]


declare(
    PersonalRecord(
        model="core.User",
        description=_("Accounts of officials and citizens"),
        purpose=_("Signing in, assigning officials' roles, and showing citizens their own files"),
        basis=LawfulBasis.PUBLIC_SERVICE,
        subjects=_("Officials and citizens with an account"),
        fields=(
            PersonalField("username", Mask.NAME, erase=_deleted_username),
            PersonalField("first_name", Mask.NAME),
            PersonalField("last_name", Mask.NAME),
            PersonalField("full_name", Mask.NAME),
            PersonalField("email", Mask.EMAIL),
            PersonalField("phone", Mask.PHONE),
            PersonalField("nik", Mask.NIK),
            PersonalField("nik_index", export=False),
            PersonalField("nip", Mask.HIDDEN),
        ),
        subject_match={"user": "pk"},
        visible_to=("people.view", "personal_data.view_unmasked"),
    ),
)
declare_not_personal("core.Pemda", "name", reason="the name of a government")
declare_not_personal("core.OPD", "name", reason="the name of a government unit")
declare_not_personal("core.Role", "name", reason="the name of a role")
