"""Forms of complaints: they check input at the boundary; services check it again and act.

:class:`ComplaintForm` is the one intake validation, used by the public web form, the officers'
entry form (with the channel) and the JSON API (through the service).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from melayani.applications.documents import CheckedDocument, document_check
from melayani.complaints.models import (
    OFFICER_CHANNELS,
    ArchiveReason,
    Channel,
    Classification,
    ComplaintStatus,
    Tier,
)
from melayani.core.formfields import NIKFormField, PhoneFormField
from melayani.core.models import OPD, Pemda
from melayani.core.text import clean_text

TITLE_MIN, TITLE_MAX = 5, 200
TEXT_MIN, TEXT_MAX = 20, 5000
MAX_ATTACHMENTS = 3
ATTACHMENT_MAX_MB = 5
TAGS_MAX = 10

CLASSIFICATION_HELP = {
    Classification.ASPIRATION: _("A suggestion or idea to improve a service."),
    Classification.COMPLAINT: _("Something went wrong with a service."),
    Classification.INFORMATION_REQUEST: _("You want public information from the Pemda."),
    Classification.WHISTLEBLOWING: _(
        "Corruption, illegal levies (pungli), gratification or abuse of authority. Only the "
        "Inspektorat will see it."
    ),
    Classification.PROCUREMENT: _("A problem with a tender or purchase by the Pemda."),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Up to ``MAX_ATTACHMENTS`` files, each sniffed (PDF, JPEG, PNG) and size-checked."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[tuple[Any, CheckedDocument]]:
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(count)s files.") % {"count": MAX_ATTACHMENTS},
                code="too_many_files",
            )
        checked = []
        for upload in uploads:
            upload = super().clean(upload, initial)
            checked.append((upload, document_check(upload, max_size_mb=ATTACHMENT_MAX_MB)))
        return checked


class RegionCodeField(forms.CharField):
    """A kecamatan or desa/kelurahan code, checked against the loaded regions."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return None
        from melayani.regions.models import Region

        region = Region.objects.filter(code=value.strip()).only("pk", "code", "level").first()
        if region is None or region.level < 3:
            raise ValidationError(
                _("Choose the kecamatan and desa/kelurahan, or type its code, e.g. 93.01.01.2001."),
                code="region_invalid",
            )
        return region


class ComplaintForm(forms.Form):
    """A new report. ``pemda`` narrows the unit and service choices to that Pemda."""

    classification = forms.ChoiceField(
        label=_("What kind of report is it?"),
        choices=Classification.choices,
        initial=Classification.COMPLAINT,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Subject"),
        min_length=TITLE_MIN,
        max_length=TITLE_MAX,
        help_text=_("In a few words, e.g. “KTP not finished after two weeks”."),
    )
    text = forms.CharField(
        label=_("Your report"),
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, where and when. Do not write other people's personal data."),
    )
    concerned_opd = forms.ModelChoiceField(
        label=_("Which unit is it about? (optional)"),
        queryset=OPD.objects.none(),
        required=False,
        empty_label=_("I do not know"),
    )
    service_code = forms.CharField(
        label=_("Service code (optional)"), max_length=60, required=False
    )
    application_code = forms.CharField(
        label=_("Tracking code of your application (optional)"),
        max_length=24,
        required=False,
        help_text=_("If the report is about an application you made, e.g. K7PM-Q4XD-2R."),
    )
    region = RegionCodeField(
        label=_("Desa/kelurahan or kecamatan code (optional)"), max_length=20, required=False
    )
    location_text = forms.CharField(label=_("Place (optional)"), max_length=200, required=False)
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        min_value=Decimal(-90),
        max_value=Decimal(90),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        required=False,
        min_value=Decimal(-180),
        max_value=Decimal(180),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous: hide my name from the unit concerned and the public"), required=False
    )
    is_confidential = forms.BooleanField(
        label=_("Confidential: do not publish my report"), required=False
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    reporter_phone = PhoneFormField(
        label=_("Your phone number"),
        required=False,
        help_text=_("To follow your report. Give a phone number or an e-mail address."),
    )
    reporter_email = forms.EmailField(label=_("Your e-mail (optional)"), required=False)
    reporter_nik = NIKFormField(label=_("NIK (optional)"), required=False)
    attachments = AttachmentsField(
        label=_("Photos or documents (optional)"),
        required=False,
        help_text=_("Up to 3 files: PDF, JPG or PNG, at most 5 MB each."),
    )

    def __init__(self, *args: Any, pemda: Pemda | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pemda = pemda
        if pemda is not None:
            opd_field = self.fields["concerned_opd"]
            assert isinstance(opd_field, forms.ModelChoiceField)
            opd_field.queryset = OPD.objects.filter(
                pemda=pemda, is_active=True, parent__isnull=True
            ).order_by("name")
        classification = self.fields["classification"]
        assert isinstance(classification, forms.ChoiceField)
        classification.choices = [
            (value, f"{label} — {CLASSIFICATION_HELP[Classification(value)]}")
            for value, label in Classification.choices
        ]

    def clean_title(self) -> str:
        return clean_text(self.cleaned_data.get("title", ""))

    def clean_text(self) -> str:
        value = clean_text(self.cleaned_data.get("text", ""))
        if len(value) < TEXT_MIN:
            raise ValidationError(
                _("Write at least %(count)s characters.") % {"count": TEXT_MIN}, code="min_length"
            )
        return value

    def clean_reporter_name(self) -> str:
        return clean_text(self.cleaned_data.get("reporter_name", ""))

    def clean_location_text(self) -> str:
        return clean_text(self.cleaned_data.get("location_text", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        no_contact = not cleaned.get("reporter_phone") and not cleaned.get("reporter_email")
        if no_contact and not {"reporter_phone", "reporter_email"} & set(self.errors):
            self.add_error(
                "reporter_phone",
                ValidationError(
                    _(
                        "Give a phone number or an e-mail address, so that you can follow "
                        "your report."
                    ),
                    code="contact_required",
                ),
            )
        no_name = not cleaned.get("reporter_name") and not cleaned.get("is_anonymous")
        if no_name and "reporter_name" not in self.errors:
            self.add_error(
                "reporter_name",
                ValidationError(_("Give your name, or tick “Anonymous”."), code="name_required"),
            )
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error(
                "longitude",
                ValidationError(_("Give both latitude and longitude, or neither."), code="point"),
            )
        return cleaned


class OfficerComplaintForm(ComplaintForm):
    """A report an official enters on the reporter's behalf (walk-in, phone, letter …)."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in OFFICER_CHANNELS],
    )
    field_order = ["channel"]


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=24)
    contact = forms.CharField(
        label=_("Phone number or e-mail address given in the report"), max_length=254
    )


class ReplyForm(forms.Form):
    """The reporter's answer to the reply they received."""

    DECISIONS = [
        ("accept", _("I am satisfied: close my report")),
        ("dispute", _("I am not satisfied: look at it again")),
        ("comment", _("Only add a message")),
    ]
    decision = forms.ChoiceField(
        label=_("Your response"), choices=DECISIONS, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Needed when you are not satisfied: say what is still wrong."),
    )

    def clean_message(self) -> str:
        return clean_text(self.cleaned_data.get("message", ""))


# --- the coordinator's and the unit's worksheets -------------------------------------------------


class ClassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    category = forms.CharField(label=_("Category"), max_length=80, required=False)
    tags = forms.CharField(
        label=_("Tags"), max_length=300, required=False, help_text=_("Separated by commas.")
    )
    tier = forms.ChoiceField(label=_("Handling"), choices=Tier.choices)
    edited_title = forms.CharField(
        label=_("Title as published"),
        max_length=TITLE_MAX,
        required=False,
        help_text=_("Fix the title or spelling; the reporter's original words are kept."),
    )
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False)

    def clean_tags(self) -> list[str]:
        raw = clean_text(self.cleaned_data.get("tags", ""))
        tags = []
        for tag in raw.split(","):
            tag = tag.strip()[:40]
            if tag and tag not in tags:
                tags.append(tag)
        if len(tags) > TAGS_MAX:
            raise ValidationError(
                _("Give at most %(count)s tags.") % {"count": TAGS_MAX}, code="too_many_tags"
            )
        return tags


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ArchiveForm(ReasonForm):
    archive_reason = forms.ChoiceField(label=_("Why archive it?"), choices=ArchiveReason.choices)
    field_order = ["archive_reason", "reason"]


class NotOurAuthorityForm(ReasonForm):
    target_pemda = forms.CharField(
        label=_("Region code of the Pemda to forward to (optional)"),
        max_length=5,
        required=False,
        help_text=_("Leave empty to mark the report for the national system (SP4N-LAPOR!)."),
    )


class DisposeForm(forms.Form):
    opds = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=OPD.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Instruction"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )
    replace = forms.BooleanField(
        label=_("Withdraw the current dispositions (re-route)"), required=False
    )

    def __init__(self, *args: Any, pemda: Pemda, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["opds"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = OPD.objects.filter(pemda=pemda, is_active=True).order_by("path")


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the reporter"),
        min_length=TEXT_MIN,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Send to the reporter")), ("return", _("Return to the unit"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the unit"),
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )


class MergeForm(forms.Form):
    into_code = forms.CharField(label=_("Tracking code of the report to keep"), max_length=24)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class WorkbenchFilterForm(forms.Form):
    STATUS_CHOICES = [("", _("Open reports")), ("all", _("All")), *ComplaintStatus.choices]
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    classification = forms.ChoiceField(
        label=_("Classification"),
        choices=[("", _("All")), *Classification.choices],
        required=False,
    )
    due = forms.ChoiceField(
        label=_("Deadline"),
        choices=[("", _("All")), ("soon", _("Due soon")), ("overdue", _("Overdue"))],
        required=False,
    )
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


__all__ = ["Channel", "ComplaintForm", "OfficerComplaintForm"]
