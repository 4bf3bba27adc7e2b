"""Personal data held by ``evaluation`` (see ``melayani/privacy/README.md`` for the format).

The evaluation is about a Pemda, not about people; what may name a person is what officials type
or upload: justifications and verification notes, evidence files (a decree lists its team), and
notes on action items. They are official records of the yearly evaluation (PermenPANRB
26/2020) and are kept; the scores are statistics and are not declared.
"""

from django.utils.translation import gettext_lazy as _

from melayani.privacy.inventory import (
    DELETE_FILE,
    LawfulBasis,
    Mask,
    PersonalField,
    PersonalRecord,
    declare,
    declare_not_personal,
)

READERS = ("reform.manage", "reform.verify", "reform.answer")
PURPOSE = _("Evaluating the Pemda's bureaucratic reform (PMPRB, PermenPANRB 26/2020)")
SUBJECTS = _("Officials named in answers, notes and evidence")

declare(
    PersonalRecord(
        model="evaluation.Answer",
        description=_("Self-assessment answers and their verification"),
        purpose=PURPOSE,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=SUBJECTS,
        fields=(
            PersonalField("justification", Mask.HIDDEN),
            PersonalField("verification_note", Mask.HIDDEN),
        ),
        subject_match={"user": "answered_by"},
        visible_to=READERS,
    ),
    PersonalRecord(
        model="evaluation.AnswerReview",
        description=_("Steps of the verification of an answer"),
        purpose=PURPOSE,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=SUBJECTS,
        fields=(PersonalField("note", Mask.HIDDEN),),
        subject_match={"user": "reviewer"},
        visible_to=READERS,
    ),
    PersonalRecord(
        model="evaluation.Evidence",
        description=_("Evidence of the answers (files, links, platform data)"),
        purpose=PURPOSE,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=SUBJECTS,
        fields=(
            PersonalField("file", Mask.HIDDEN, erase=DELETE_FILE),
            PersonalField("original_name", Mask.HIDDEN),
        ),
        not_personal=("metric_name",),
        subject_match={"user": "created_by"},
        visible_to=READERS,
    ),
    PersonalRecord(
        model="evaluation.ActionItem",
        description=_("Action plan items (rencana aksi) and their evidence of completion"),
        purpose=PURPOSE,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=_("Officials in charge of an action"),
        fields=(PersonalField("completion_note", Mask.HIDDEN),),
        subject_match={"user": "person"},
        visible_to=("reform.manage", "reform.answer"),
    ),
)
declare_not_personal("evaluation.WeightPreset", "name", reason="the name of a set of weights")
