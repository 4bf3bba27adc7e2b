"""Reform evaluation (PMPRB): instruments as versioned data, assessment cycles, answers with
evidence and verification, stored scores and action plans.

National reference data (no Pemda): :class:`Instrument` and its tree of :class:`InstrumentNode`
(component → aspect → area → sub-indicator → question), weight presets (:class:`WeightPreset`,
:class:`PresetWeight`) and predicate bands (:class:`PredicateBand`). Weights are kept as the text
the source gives (``"2.00"``, ``"1/3"``) and computed at full precision (see ``scoring.py``); a
missing weight means "an administrator must set it".

Tenant data (``tenant_field``): a Pemda's :class:`AssessmentCycle` for a year, its
:class:`Assignment` of sub-indicators to OPD and people, :class:`Answer` rows (one per question,
with the self, verified and external tiers side by side), :class:`AnswerReview` (the verification
loop), :class:`Evidence`, :class:`CycleScore` (the stored result per tier, updated incrementally)
and :class:`ActionItem` (rencana aksi).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    COMPONENT = "component", _("Component")
    ASPECT = "aspect", _("Aspect")
    AREA = "area", _("Change area")
    SUB_INDICATOR = "sub_indicator", _("Sub-indicator")
    QUESTION = "question", _("Question")


class AnswerType(models.TextChoices):
    YES_NO = "yes_no", _("Ya/Tidak")
    ABC = "abc", _("A–C")
    ABCD = "abcd", _("A–D")
    ABCDE = "abcde", _("A–E")
    PERCENTAGE = "percentage", _("Percentage (0–100 %)")
    NUMBER = "number", _("Number (0 to a maximum)")
    MATURITY = "maturity", _("Maturity level (0–5)")
    SCORE_100 = "score_100", _("Score (0–100)")


CHOICE_TYPES = frozenset({AnswerType.YES_NO, AnswerType.ABC, AnswerType.ABCD, AnswerType.ABCDE})


class EvaluatorType(models.TextChoices):
    INTERNAL = "internal", _("Internal evaluator")
    MESO = "meso", _("Meso evaluator")
    NATIONAL = "national", _("National evaluator")


class IndexRule(models.TextChoices):
    SCALED = "scaled", _("Total score ÷ maximum × 100")
    SUM = "sum", _("Total score as it is")


class InstrumentLevel(models.TextChoices):
    AGENCY = "agency", _("Instansi (Pemda)")
    WORK_UNIT = "work_unit", _("Unit kerja")


class Instrument(models.Model):
    """One version of an evaluation instrument (national reference data)."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=InstrumentLevel.choices)
    year_from = models.PositiveSmallIntegerField(_("first evaluation year"))
    year_to = models.PositiveSmallIntegerField(_("last evaluation year"), null=True, blank=True)
    index_rule = models.CharField(
        _("index rule"), max_length=10, choices=IndexRule.choices, default=IndexRule.SCALED
    )
    notes = models.TextField(_("notes on sources and open points"), blank=True)
    cloned_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="clones"
    )
    data_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("evaluation instrument")
        verbose_name_plural = _("evaluation instruments")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="instrument_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class InstrumentNode(models.Model):
    """A node of the tree. Questions carry the answer type and each option's explicit value."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=NodeKind.choices)
    code = models.CharField(_("code"), max_length=60)
    order = models.PositiveIntegerField(_("order"))
    depth = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    is_draft = models.BooleanField(
        _("draft text"),
        default=False,
        help_text=_("Written from the domain notes; the official LKE text replaces it on import."),
    )
    answer_type = models.CharField(
        _("answer type"), max_length=12, choices=AnswerType.choices, blank=True
    )
    # [{"code": "A", "label": "…", "value": "1"}, …]: values are explicit, never derived.
    options = models.JSONField(_("options"), default=list, blank=True)
    scale_max = models.CharField(_("maximum of the scale"), max_length=20, blank=True)
    metric = models.CharField(_("platform metric used as evidence"), max_length=80, blank=True)
    evaluator_type = models.CharField(
        _("evaluator"), max_length=10, choices=EvaluatorType.choices, default="internal"
    )

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="node_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class WeightPreset(models.Model):
    """A named set of weights for an instrument version (PMPRB 2020: presets A and B)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="presets")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["instrument", "-is_default", "code"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="preset_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.code} v{self.instrument.version} {self.code}"


class PresetWeight(models.Model):
    """The weight of one node in one preset, as text: ``"2.50"`` or an exact ``"1/3"``."""

    preset = models.ForeignKey(WeightPreset, on_delete=models.CASCADE, related_name="weights")
    node = models.ForeignKey(InstrumentNode, on_delete=models.CASCADE, related_name="weights")
    weight = models.CharField(_("weight"), max_length=30)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["preset", "node"], name="presetweight_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id}: {self.weight}"


class PredicateBand(models.Model):
    """A predicate (AA…D) with its index range and the inclusivity of each bound."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    code = models.CharField(_("predicate"), max_length=10)
    label = models.CharField(_("label"), max_length=100)
    lower = models.DecimalField(_("lower bound"), max_digits=7, decimal_places=2)
    upper = models.DecimalField(_("upper bound"), max_digits=7, decimal_places=2)
    lower_inclusive = models.BooleanField(_("lower bound included"), default=False)
    upper_inclusive = models.BooleanField(_("upper bound included"), default=True)
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="band_unique_code"),
        ]

    def __str__(self) -> str:
        return self.code


# --- the cycle (tenant data) --------------------------------------------------------------------


class CycleStatus(models.TextChoices):
    FILLING = "filling", _("Filling")
    VERIFYING = "verifying", _("Verifying")
    FINAL = "final", _("Final")


def _cycle_ref() -> str:
    import secrets

    return secrets.token_urlsafe(8).replace("-", "x").replace("_", "y")


class AssessmentCycle(models.Model):
    """A Pemda's evaluation for one year with one instrument version and weight preset."""

    tenant_field = "pemda"

    ref = models.CharField(max_length=16, unique=True, default=_cycle_ref, editable=False)
    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="assessment_cycles"
    )
    year = models.PositiveSmallIntegerField(_("evaluation year"))
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="cycles")
    preset = models.ForeignKey(WeightPreset, on_delete=models.PROTECT, related_name="cycles")
    status = models.CharField(
        _("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.FILLING
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("RB team lead"),
        help_text=_("Verifies the Inspektorat's own answers."),
    )
    fill_starts = models.DateField(_("filling starts"))
    fill_ends = models.DateField(_("filling ends"))
    verify_ends = models.DateField(_("verification ends"))
    finalise_ends = models.DateField(_("finalisation ends"))
    opened_at = models.DateTimeField(_("opened at"))
    verifying_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_synthetic = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["pemda", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["pemda", "year"], name="cycle_unique_pemda_year"),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.pemda} {self.year}"


class Assignment(models.Model):
    """A sub-indicator given to an OPD (and optionally a person) to answer."""

    tenant_field = "cycle__pemda"
    opd_field = "opd"

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="assignments")
    node = models.ForeignKey(InstrumentNode, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey("core.OPD", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "node"], name="assignment_unique_node"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} → {self.opd_id}"


class AnswerStatus(models.TextChoices):
    OPEN = "open", _("Not answered")
    ANSWERED = "answered", _("Answered")
    ACCEPTED = "accepted", _("Accepted")
    ADJUSTED = "adjusted", _("Adjusted by the verifier")
    RETURNED = "returned", _("Sent back for revision")


class Answer(models.Model):
    """One question of a cycle: the self-assessment, the verified and the external value."""

    tenant_field = "pemda"
    opd_field = "opd"

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="answers")
    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    question = models.ForeignKey(InstrumentNode, on_delete=models.PROTECT, related_name="+")
    sub_indicator = models.ForeignKey(InstrumentNode, on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.OPEN
    )
    # Self-assessment: the chosen option code or the number typed, and its value 0–1 (text).
    self_raw = models.CharField(_("answer"), max_length=30, blank=True)
    self_value = models.CharField(max_length=40, blank=True)
    justification = models.TextField(_("justification"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)
    # Verification (Inspektorat / the RB team lead for the Inspektorat's answers).
    verified_raw = models.CharField(max_length=30, blank=True)
    verified_value = models.CharField(max_length=40, blank=True)
    verification_note = models.TextField(blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # External (meso/national) evaluation, entered later.
    external_value = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["cycle", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "question"], name="answer_unique_question"),
        ]
        indexes = [models.Index(fields=["cycle", "sub_indicator"])]

    def __str__(self) -> str:
        return f"{self.cycle_id}/{self.question_id}: {self.self_raw}"


class ReviewDecision(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    ADJUST = "adjust", _("Adjust")
    RETURN = "return", _("Send back for revision")


class AnswerReview(models.Model):
    """One step of the verification loop (accept, adjust or send back)."""

    tenant_field = "pemda"
    opd_field = "opd"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="reviews")
    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    value_raw = models.CharField(max_length=30, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["answer", "created_at"]

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.decision}"


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")
    METRIC = "metric", _("Platform data")


def _evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.pemda_id}/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """Supporting evidence (bukti dukung) of an answer: a file, a link or a platform metric."""

    tenant_field = "pemda"
    opd_field = "opd"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence")
    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    opd = models.ForeignKey(
        "core.OPD", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EvidenceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_evidence_path, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    metric_name = models.CharField(max_length=80, blank=True)
    metric_value = models.CharField(max_length=40, blank=True)
    metric_numerator = models.IntegerField(null=True, blank=True)
    metric_denominator = models.IntegerField(null=True, blank=True)
    metric_period_start = models.DateField(null=True, blank=True)
    metric_period_end = models.DateField(null=True, blank=True)
    metric_computed_at = models.DateTimeField(null=True, blank=True)
    metric_source = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(_("year the evidence belongs to"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reused_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["answer", "created_at"]

    def __str__(self) -> str:
        return self.title


class ScoreTier(models.TextChoices):
    SELF = "self", _("Self-assessment")
    VERIFIED = "verified", _("Verified")
    EXTERNAL = "external", _("External")


class CycleScore(models.Model):
    """The stored result of a cycle for one tier: every node's score and the index.

    ``node_scores`` maps node id → score as a decimal string at full precision; it is updated
    incrementally when an answer changes (only the sub-indicator and its ancestors).
    """

    tenant_field = "pemda"

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="scores")
    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    tier = models.CharField(max_length=10, choices=ScoreTier.choices)
    node_scores = models.JSONField(default=dict)
    total = models.CharField(max_length=40, default="0")
    index = models.DecimalField(max_digits=7, decimal_places=2, default=0)
    predicate = models.CharField(max_length=10, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "tier"], name="cyclescore_unique_tier"),
        ]
        indexes = [models.Index(fields=["year", "tier"])]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.tier}: {self.index}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CARRIED = "carried", _("Carried into the next cycle")


class ActionItem(models.Model):
    """An item of the action plan (rencana aksi) drawn from a gap."""

    tenant_field = "pemda"
    opd_field = "opd"

    cycle = models.ForeignKey(AssessmentCycle, on_delete=models.CASCADE, related_name="actions")
    pemda = models.ForeignKey("core.Pemda", on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(
        InstrumentNode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opd = models.ForeignKey("core.OPD", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("action"), max_length=300)
    due_on = models.DateField(_("due date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default="open")
    completion_url = models.URLField(_("evidence of completion (link)"), blank=True)
    completion_note = models.TextField(_("evidence of completion"), blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["cycle", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress_max"),
        ]

    def __str__(self) -> str:
        return self.title
