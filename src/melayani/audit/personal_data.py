"""Personal data held by ``audit`` (see ``melayani/privacy/README.md`` for the format).

The trail names officials (never citizens: a citizen is ``citizen #<id>``) and is append-only
and hash-chained, so it is never anonymised: it is the evidence the law requires.
"""

from django.utils.translation import gettext_lazy as _

from melayani.privacy.inventory import LawfulBasis, Mask, PersonalField, PersonalRecord, declare

declare(
    PersonalRecord(
        model="audit.AuditEvent",
        description=_("The audit trail, including the access log of personal data"),
        purpose=_("Accountability of officials; evidence for the Inspektorat"),
        basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=_("Officials"),
        fields=(PersonalField("actor_label", Mask.NAME, export=False),),
        visible_to=("audit.view_events",),
    ),
)
