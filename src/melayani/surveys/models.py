"""SKM questionnaires, invitations, responses and the incrementally kept aggregates.

* The questionnaire is versioned data (``Questionnaire`` + items + bands); 14/2017 is the default.
  A unit may add unsur and weight them differently (``UnitSurveyDesign``), weights summing to 1.
* A response keeps its nine standard answers in nine nullable columns ``u1``…``u9`` (1–4, null =
  unanswered): one narrow row per respondent, so a recompute is one sequential scan with
  ``SUM``/``COUNT`` per column. Answers to a unit's extra unsur are rows of ``SurveyExtraAnswer``.
* ``SkmAggregate`` holds sums and counts per (unit, service, quarter), updated in the transaction
  that stores the response; a semester or year is the sum of its quarters. A dashboard therefore
  reads O(units) rows, never the answers. ``melayani skm_recompute --check`` proves they match.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from melayani.surveys.instrument import CODES, WeightMode

ANSWER_FIELDS: tuple[str, ...] = tuple(code.lower() for code in CODES)  # "u1" … "u9"
SUM_FIELDS: tuple[str, ...] = tuple(f"sum_{f}" for f in ANSWER_FIELDS)
COUNT_FIELDS: tuple[str, ...] = tuple(f"cnt_{f}" for f in ANSWER_FIELDS)


class WeightModeChoice(models.TextChoices):
    EXACT = WeightMode.EXACT, _("Exact weights (1/9 each): the correct computation")
    LEGACY_0_11 = WeightMode.LEGACY_0_11, _("Legacy 0.11 per unsur (to reproduce old reports)")
    LEGACY_0_111 = WeightMode.LEGACY_0_111, _("Legacy 0.111 per unsur (to reproduce old reports)")


class PopulationSource(models.TextChoices):
    TRANSACTIONS = "transactions", _("Completed online applications in the period")
    ENTERED = "entered", _("Number entered by the unit")


class Channel(models.TextChoices):
    INVITATION = "invitation", _("Invitation link")
    KIOSK = "kiosk", _("Kiosk at the counter")
    PAPER = "paper", _("Paper form entered by an officer")
    IMPORT = "import", _("Imported file")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", _("Under 20")
    FROM_20 = "20_29", _("20–29")
    FROM_30 = "30_39", _("30–39")
    FROM_40 = "40_49", _("40–49")
    FROM_50 = "50_59", _("50–59")
    FROM_60 = "60_plus", _("60 or older")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    PRIMARY = "sd", _("Primary school (SD)")
    JUNIOR = "smp", _("Junior high school (SMP)")
    SENIOR = "sma", _("Senior high school (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1–D4)")
    BACHELOR = "s1", _("Bachelor (S1)")
    POSTGRADUATE = "s2_s3", _("Master or doctorate (S2/S3)")


class Occupation(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant (PNS/PPPK)")
    MILITARY_POLICE = "military_police", _("Military or police (TNI/Polri)")
    PRIVATE = "private", _("Private employee")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    FARMER_FISHER = "farmer_fisher", _("Farmer or fisher")
    STUDENT = "student", _("Student")
    HOMEMAKER = "homemaker", _("Homemaker")
    OTHER = "other", _("Other")


PROFILE_CHOICES: dict[str, type[models.TextChoices]] = {
    "sex": Sex,
    "age_band": AgeBand,
    "education": Education,
    "occupation": Occupation,
}


# --- the questionnaire (national data, versioned) -----------------------------------------------


class Questionnaire(models.Model):
    """A version of the SKM instrument. National reference data, not a tenant object."""

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    is_default = models.BooleanField(_("default for new surveys"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("SKM questionnaire")
        verbose_name_plural = _("SKM questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="questionnaire_unique_version"
            ),
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="questionnaire_one_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class QuestionnaireItem(models.Model):
    """One unsur with its four answer labels (1 → 4) in Bahasa Indonesia and English."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=8)  # U1 … U9
    order = models.PositiveSmallIntegerField(_("order"))
    identifier = models.SlugField(_("identifier"), max_length=40)
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    labels_id = models.JSONField(_("answer labels (Bahasa Indonesia)"))  # four strings, 1 → 4
    labels_en = models.JSONField(_("answer labels (English)"))

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="qitem_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"


class QuestionnaireBand(models.Model):
    """A mutu band of a questionnaire version: IKM (rounded to 2 decimals) >= ``min_ikm``."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="bands")
    mutu = models.CharField(_("mutu"), max_length=2)
    min_ikm = models.DecimalField(_("lowest IKM"), max_digits=5, decimal_places=2)
    kinerja = models.CharField(_("kinerja (Bahasa Indonesia)"), max_length=40)
    kinerja_en = models.CharField(_("kinerja (English)"), max_length=40)

    class Meta:
        ordering = ["questionnaire", "-min_ikm"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "mutu"], name="qband_unique_mutu"),
        ]

    def __str__(self) -> str:
        return f"{self.mutu} ≥ {self.min_ikm}"


# --- per-Pemda and per-unit policy ---------------------------------------------------------------


class SkmSettings(models.Model):
    """A Pemda's SKM policy: the weight mode, and where the population for the sample comes from."""

    tenant_field = "pemda"
    shared_within_pemda = True

    pemda = models.OneToOneField(
        "core.Pemda", on_delete=models.CASCADE, related_name="skm_settings", verbose_name=_("Pemda")
    )
    weight_mode = models.CharField(
        _("weights"), max_length=20, choices=WeightModeChoice.choices, default=WeightMode.EXACT
    )
    population_source = models.CharField(
        _("number of service users"),
        max_length=20,
        choices=PopulationSource.choices,
        default=PopulationSource.TRANSACTIONS,
    )
    invitation_valid_days = models.PositiveSmallIntegerField(
        _("days an invitation link stays valid"), default=30
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SKM settings")
        verbose_name_plural = _("SKM settings")

    def __str__(self) -> str:
        return f"{self.pemda}: {self.weight_mode}"


class UnitSurveyDesign(models.Model):
    """A unit's own instrument: the questionnaire plus extra unsur, with weights summing to 1."""

    tenant_field = "pemda"
    opd_field = "opd"

    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    opd = models.OneToOneField(
        "core.OPD", on_delete=models.CASCADE, related_name="survey_design", verbose_name=_("unit")
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    # Every unsur's weight as a decimal string, e.g. {"U1": "0.1", …, "U10": "0.1"}; sum == 1.
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("unit survey design")
        verbose_name_plural = _("unit survey designs")

    def __str__(self) -> str:
        return str(self.opd)


class UnitSurveyItem(models.Model):
    """An extra unsur of one unit (U10, U11 …), answered 1–4 like the standard ones."""

    tenant_field = "design__pemda"
    opd_field = "design__opd"

    design = models.ForeignKey(UnitSurveyDesign, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=8)
    order = models.PositiveSmallIntegerField(_("order"))
    name_id = models.CharField(_("name (Bahasa Indonesia)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    labels_id = models.JSONField(_("answer labels (Bahasa Indonesia)"))
    labels_en = models.JSONField(_("answer labels (English)"), default=list, blank=True)

    class Meta:
        ordering = ["design", "order"]
        constraints = [
            models.UniqueConstraint(fields=["design", "code"], name="unititem_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_id}"


class SurveyPopulation(models.Model):
    """The number of service users of a unit in a period, when the Pemda enters it by hand."""

    tenant_field = "pemda"
    opd_field = "opd"

    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("core.OPD", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=8)  # "2025", "2025-S1", "2025-Q3"
    population = models.PositiveIntegerField(_("number of service users"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["opd", "period"], name="population_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.opd} {self.period}: {self.population}"


# --- collection ----------------------------------------------------------------------------------


class SurveyInvitation(models.Model):
    """A one-time link for the citizen of one completed application; one answer per transaction."""

    tenant_field = "pemda"
    opd_field = "opd"

    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("core.OPD", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.ServiceType", on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="survey_invitation"
    )
    # Random (secrets.token_urlsafe, 128 bits), never derived from an id.
    token = models.CharField(_("token"), max_length=32, unique=True)
    created_at = models.DateTimeField(_("created at"))
    quarter_start = models.DateField(db_index=True)  # local quarter of completion (population)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [models.Index(fields=["opd", "quarter_start"], name="invitation_opd_quarter")]

    def __str__(self) -> str:
        return f"invitation {self.pk}"


class SurveyImport(models.Model):
    """One imported file and its outcome (the row-by-row report is returned to the officer)."""

    tenant_field = "pemda"
    opd_field = "opd"

    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("core.OPD", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.ServiceType", on_delete=models.PROTECT, related_name="+")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("imported at"))
    rows_imported = models.PositiveIntegerField(_("rows imported"))
    rows_rejected = models.PositiveIntegerField(_("rows rejected"))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


def _answer(code: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(code, null=True, blank=True)


class SurveyResponse(models.Model):
    """One respondent's answers. Profile fields are optional personal data: aggregates only."""

    tenant_field = "pemda"
    opd_field = "opd"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    service = models.ForeignKey(
        "catalog.ServiceType", on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_response",
        verbose_name=_("application"),
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("submitted at"))
    # The local (Pemda time zone) quarter of ``submitted_at``: the aggregate bucket.
    quarter_start = models.DateField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_import = models.ForeignKey(
        SurveyImport, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )

    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices, blank=True)
    education = models.CharField(
        _("education"), max_length=10, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=20, choices=Occupation.choices, blank=True
    )
    suggestion = models.TextField(_("suggestion"), blank=True)

    u1 = _answer("U1")
    u2 = _answer("U2")
    u3 = _answer("U3")
    u4 = _answer("U4")
    u5 = _answer("U5")
    u6 = _answer("U6")
    u7 = _answer("U7")
    u8 = _answer("U8")
    u9 = _answer("U9")

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [
            models.Index(fields=["opd", "service", "quarter_start"], name="response_bucket"),
        ]
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 1, f"{f}__lte": 4}),
                    name=f"response_{f}_1_to_4",
                )
                for f in ANSWER_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"response {self.pk}"

    def answers(self) -> dict[str, int | None]:
        return {code: getattr(self, code.lower()) for code in CODES}


class SurveyExtraAnswer(models.Model):
    """An answer to one of the unit's extra unsur (U10 …)."""

    tenant_field = "response__pemda"
    opd_field = "response__opd"

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="extra")
    code = models.CharField(max_length=8)
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "code"], name="extra_answer_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=4), name="extra_answer_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.score}"


# --- aggregates ----------------------------------------------------------------------------------


def _total() -> models.BigIntegerField:
    return models.BigIntegerField(default=0)


class SkmAggregate(models.Model):
    """Sums and counts of the answers of one (unit, service, quarter), kept in step with them."""

    tenant_field = "pemda"
    opd_field = "opd"

    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("core.OPD", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.ServiceType", on_delete=models.PROTECT, related_name="+")
    quarter_start = models.DateField()
    n = _total()
    sum_u1 = _total()
    sum_u2 = _total()
    sum_u3 = _total()
    sum_u4 = _total()
    sum_u5 = _total()
    sum_u6 = _total()
    sum_u7 = _total()
    sum_u8 = _total()
    sum_u9 = _total()
    cnt_u1 = _total()
    cnt_u2 = _total()
    cnt_u3 = _total()
    cnt_u4 = _total()
    cnt_u5 = _total()
    cnt_u6 = _total()
    cnt_u7 = _total()
    cnt_u8 = _total()
    cnt_u9 = _total()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["opd", "service", "quarter_start"], name="skm_aggregate_unique_bucket"
            ),
        ]
        indexes = [models.Index(fields=["pemda", "quarter_start"], name="skm_aggregate_pemda")]

    def __str__(self) -> str:
        return f"opd {self.opd_id} service {self.service_id} {self.quarter_start}"


class SkmExtraAggregate(models.Model):
    """Sum and count of one extra unsur in one aggregate bucket."""

    tenant_field = "aggregate__pemda"
    opd_field = "aggregate__opd"

    aggregate = models.ForeignKey(SkmAggregate, on_delete=models.CASCADE, related_name="extra")
    code = models.CharField(max_length=8)
    total = _total()
    count = _total()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["aggregate", "code"], name="skm_extra_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.total}/{self.count}"


# --- follow-up (rencana tindak lanjut) -----------------------------------------------------------


class FollowUpStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


def _followup_code() -> str:
    import secrets

    return secrets.token_urlsafe(9)  # 72 bits, never a sequential id


class FollowUpPlan(models.Model):
    """A unit's planned action on a weak unsur of one survey period (rencana tindak lanjut).

    ``status`` changes only through :func:`melayani.surveys.followup_services.followup_transition`
    (an explicit state machine); every change is a :class:`FollowUpStatusChange` row and an audit
    event. Plans are public: the Pemda's results page shows their status and due date.
    """

    tenant_field = "pemda"
    opd_field = "opd"

    code = models.CharField(_("code"), max_length=16, unique=True, default=_followup_code)
    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="+", verbose_name=_("Pemda")
    )
    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    period = models.CharField(_("survey period"), max_length=8)  # "2025", "2025-S1", "2025-Q3"
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    unsur = models.CharField(_("unsur"), max_length=8)  # U1 … U9, or a unit's extra U10 …
    # The unsur's NRR (1–4, 4 decimals) when the plan was made: why it was chosen.
    nrr = models.DecimalField(_("NRR when planned"), max_digits=6, decimal_places=4, null=True)
    action = models.TextField(_("action"))
    owner = models.CharField(_("responsible"), max_length=200)
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.PLANNED,
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["-period_start", "unsur", "due_on", "pk"]
        verbose_name = _("SKM follow-up plan")
        verbose_name_plural = _("SKM follow-up plans")
        indexes = [
            models.Index(fields=["pemda", "period_end"], name="followup_pemda_period"),
            models.Index(fields=["opd", "period_start"], name="followup_opd_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_on__isnull=False)
                | (~Q(status="done") & Q(completed_on__isnull=True)),
                name="followup_completed_on_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.unsur}: {self.action[:40]}"


class FollowUpStatusChange(models.Model):
    """One step of a follow-up plan's history (the first one records its creation)."""

    tenant_field = "plan__pemda"
    opd_field = "plan__opd"

    plan = models.ForeignKey(FollowUpPlan, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(
        _("from"), max_length=12, choices=FollowUpStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=12, choices=FollowUpStatus.choices)
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["plan", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '—'} → {self.to_status}"
