"""Personal data held by ``surveys`` (see ``melayani/privacy/README.md`` for the format).

Answers (U1–U9) and the aggregates are statistics and stay; what goes after the retention period
is what could describe the respondent: the profile and the free-text suggestion.
"""

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

declare(
    PersonalRecord(
        model="surveys.SurveyResponse",
        description=_("Answers to the satisfaction survey (SKM)"),
        purpose=_("Measuring satisfaction with public services (PermenPANRB 14/2017)"),
        basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=_("Survey respondents"),
        fields=(
            PersonalField("sex", Mask.HIDDEN),
            PersonalField("age_band", Mask.HIDDEN),
            PersonalField("education", Mask.HIDDEN),
            PersonalField("occupation", Mask.HIDDEN),
            PersonalField("suggestion", Mask.HIDDEN),
        ),
        subject_match={
            "phone": "application__applicant_phone",
            "email": "application__applicant_email__iexact",
            "nik_index": "application__applicant_nik_index",
            "user": "application__applicant_user",
        },
        visible_to=("surveys.view",),
        retention=Retention(
            closed_at=("submitted_at",),
            days=2 * 365,
            action=RetentionAction.ANONYMISE,
            keep_reason=_("The scores are kept, without a link to you, for the SKM index."),
        ),
    ),
)
declare_not_personal(
    "surveys.QuestionnaireItem", "name_id", "name_en", reason="the names of survey questions"
)
declare_not_personal(
    "surveys.UnitSurveyItem", "name_id", "name_en", reason="the names of survey questions"
)
