"""The application form, built from a standard version's form fields.

Forms only check what was typed (types, required fields, files by content); what happens with a
valid form is decided in :mod:`melayani.applications.services`.

Keys of the built form (also the keys of ``data``/``files`` for :func:`application_submit`):

* ``applicant_name`` (required), ``applicant_phone``, ``applicant_email`` — at least one of the
  two, which is what tracking asks for later;
* ``applicant_nik`` — when the standard has a NIK field (its first one; label and ``required``
  come from that field);
* every other form field by its ``key``; an address field ``K`` has two keys: ``K`` (street,
  RT/RW) and ``K_region`` (the Kemendagri code of the desa/kelurahan, or at least the kecamatan);
  a file field's upload goes in ``files[K]``.
"""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from melayani.applications.documents import (
    DEFAULT_MAX_SIZE_MB,
    KINDS,
    accepted_kinds,
    document_check,
)
from melayani.applications.tracking import tracking_code_normalize
from melayani.catalog.models import (
    FieldType,
    FormField,
    PublicationStatus,
    ServiceStandard,
    upload_hint,
)
from melayani.core.formfields import NIKFormField, PhoneFormField, normalize_phone

IDENTITY_KEYS = ("applicant_name", "applicant_phone", "applicant_email", "applicant_nik")
REGION_SUFFIX = "_region"
MIN_REGION_LEVEL = 3  # kecamatan; a desa/kelurahan (level 4) is better


class DocumentFormField(forms.FileField):
    """A file checked by its content against a requirement's accepted types and size."""

    def __init__(
        self, *, accepted_types: str = "", max_size_mb: int = DEFAULT_MAX_SIZE_MB, **kw: Any
    ):
        super().__init__(**kw)
        self.accepted_types = accepted_types
        self.max_size_mb = max_size_mb
        self.checked: Any = None
        kinds = accepted_kinds(accepted_types)
        accept = ",".join(sorted({f".{ext}" for k in kinds for ext in KINDS[k][2]}))
        self.widget.attrs["accept"] = accept

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        self.checked = None
        if upload:
            self.checked = document_check(
                upload, accepted_types=self.accepted_types, max_size_mb=self.max_size_mb
            )
        return upload


class RegionCodeField(forms.CharField):
    """The code of a desa/kelurahan (or kecamatan); checked against the loaded regions."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value:
            return value
        from melayani.regions.models import Region

        region = Region.objects.filter(code=value.strip()).only("pk", "code", "level").first()
        if region is None or region.level < MIN_REGION_LEVEL:
            raise ValidationError(
                _("Choose the kecamatan and desa/kelurahan, or type its code, e.g. 93.01.01.2001."),
                code="region_invalid",
            )
        return region


def _field_for(ff: FormField) -> forms.Field:
    common: dict[str, Any] = {"label": ff.label, "required": ff.required, "help_text": ff.help_text}
    kind = ff.field_type
    if kind == FieldType.LONG_TEXT:
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == FieldType.NUMBER:
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if kind == FieldType.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == FieldType.CHOICE:
        choices = [(c, c) for c in ff.choice_list]
        if not ff.required:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(
            choices=choices, widget=forms.RadioSelect if ff.required else forms.Select, **common
        )
    if kind == FieldType.FILE:
        req = ff.requirement
        accepted = req.accepted_types if req else ""
        max_size_mb = req.max_size_mb if req else DEFAULT_MAX_SIZE_MB
        hint = upload_hint(accepted, max_size_mb)
        help_text = format_lazy("{} {}", ff.help_text, hint) if ff.help_text else hint
        return DocumentFormField(
            accepted_types=accepted,
            max_size_mb=max_size_mb,
            **{**common, "help_text": help_text},
        )
    if kind == FieldType.NIK:
        return NIKFormField(**common)
    if kind == FieldType.PHONE:
        return PhoneFormField(**common)
    if kind == FieldType.EMAIL:
        return forms.EmailField(**common)
    if kind == FieldType.ADDRESS:
        return forms.CharField(
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "street-address"}),
            **{**common, "help_text": ff.help_text or _("Street, house number, RT/RW.")},
        )
    return forms.CharField(max_length=500, **common)


class ApplicationForm(forms.Form):
    """Base of every built form; ``standard`` and ``form_fields`` are set by the builder."""

    standard: ServiceStandard
    form_fields: tuple[FormField, ...] = ()
    nik_field_key: str = ""

    applicant_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_phone = PhoneFormField(
        label=_("Phone or WhatsApp number"),
        required=False,
        help_text=_("We send updates here. Give a phone number, an e-mail address or both."),
    )
    applicant_email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        no_contact = not cleaned.get("applicant_phone") and not cleaned.get("applicant_email")
        if no_contact and not {"applicant_phone", "applicant_email"} & set(self.errors):
            self.add_error(
                "applicant_phone",
                ValidationError(
                    _(
                        "Give a phone number or an e-mail address, so that you can track "
                        "your application."
                    ),
                    code="contact_required",
                ),
            )
        return cleaned

    def documents(self) -> list[tuple[FormField, Any, Any]]:
        return form_documents(self, self.form_fields)

    def field_groups(self) -> list[dict[str, Any]]:
        """The standard's fields in order, each with its region picker where it has one."""
        groups = []
        for ff in self.form_fields:
            key = "applicant_nik" if ff.key == self.nik_field_key else ff.key
            group: dict[str, Any] = {"field": self[key], "form_field": ff, "region": None}
            if ff.field_type == FieldType.ADDRESS:
                group["region"] = self[ff.key + REGION_SUFFIX]
            groups.append(group)
        return groups


def application_form_class(standard: ServiceStandard) -> type[ApplicationForm]:
    """The form class of one standard version (its form fields, in order).

    A published (or superseded) version and its rows never change (``catalog.models``), so its
    class is built once per process and kept, keyed by the version; a draft's is built each time.
    """
    if standard.pk is None or standard.status == PublicationStatus.DRAFT:
        return _build_form_class(standard)
    key = (standard.pk, standard.published_at)
    built = _FORM_CLASSES.get(key)
    if built is None:
        if len(_FORM_CLASSES) >= _FORM_CLASSES_MAX:
            _FORM_CLASSES.clear()
        # Keep the version's own (immutable) columns, not the service etc. loaded with it.
        frozen = copy.copy(standard)
        frozen._state = copy.copy(standard._state)
        frozen._state.fields_cache = {}
        built = _FORM_CLASSES[key] = _build_form_class(frozen)
    return built


_FORM_CLASSES: dict[tuple[int, Any], type[ApplicationForm]] = {}
_FORM_CLASSES_MAX = 512


def _forget_form_class(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A new row with a pk that was used before (tests roll back) must not find an old class."""
    standard_id = instance.pk if sender is ServiceStandard else instance.standard_id
    for key in [k for k in _FORM_CLASSES if k[0] == standard_id]:
        _FORM_CLASSES.pop(key, None)


for _sender in (ServiceStandard, FormField):
    post_save.connect(_forget_form_class, sender=_sender, dispatch_uid=f"forms-{_sender.__name__}")
    post_delete.connect(
        _forget_form_class, sender=_sender, dispatch_uid=f"formd-{_sender.__name__}"
    )


def _build_form_class(standard: ServiceStandard) -> type[ApplicationForm]:
    form_fields = tuple(standard.form_fields.select_related("requirement").order_by("order"))
    attrs: dict[str, Any] = {"standard": standard, "form_fields": form_fields}
    nik_key = ""
    for ff in form_fields:
        if ff.field_type == FieldType.NIK and not nik_key:
            nik_key = ff.key
            attrs["applicant_nik"] = _field_for(ff)
            continue
        if ff.key in IDENTITY_KEYS:
            continue  # the identity fields are always there and keep their own rules
        attrs[ff.key] = _field_for(ff)
        if ff.field_type == FieldType.ADDRESS:
            attrs[ff.key + REGION_SUFFIX] = RegionCodeField(
                label=_("Desa/kelurahan"),
                required=ff.required,
                max_length=13,
                help_text=_("Choose it below, or type its code, e.g. 93.01.01.2001."),
            )
    attrs["nik_field_key"] = nik_key
    return type("BuiltApplicationForm", (ApplicationForm,), attrs)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=24,
        help_text=_("On your receipt, e.g. K7PM-Q4XD-2R."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    contact = forms.CharField(
        label=_("Phone number or e-mail address"),
        max_length=254,
        help_text=_("The one you gave when you applied."),
    )

    def clean_code(self) -> str:
        code = tracking_code_normalize(self.cleaned_data["code"])
        if not code:
            raise ValidationError(
                _("A tracking code has 10 letters and digits, e.g. K7PM-Q4XD-2R."),
                code="code_format",
            )
        return code


def contact_normalize(raw: str) -> str:
    """A phone number to E.164, an e-mail address to lower case; ``""`` when neither."""
    raw = (raw or "").strip()
    if "@" in raw:
        return raw.lower()
    try:
        return normalize_phone(raw)
    except ValidationError:
        return ""


def date_answer(value: Any) -> Any:
    """JSON-safe form of a cleaned answer."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


CORRECTION_EMPTY = _("Upload the corrected document, change an answer or write a message.")


class CorrectionForm(forms.Form):
    """Base of a built correction form: the standard's own fields, all optional, and a message."""

    standard: ServiceStandard
    form_fields: tuple[FormField, ...] = ()

    message = forms.CharField(
        label=_("Message to the officer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you corrected, in a few words."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not any(v not in (None, "") for v in cleaned.values()):
            raise ValidationError(CORRECTION_EMPTY, code="correction_empty")
        return cleaned

    def documents(self) -> list[tuple[FormField, Any, Any]]:
        return form_documents(self, self.form_fields)


def form_documents(
    form: forms.Form, form_fields: tuple[FormField, ...]
) -> list[tuple[FormField, Any, Any]]:
    """(form field, upload, checked document) for each file given; after ``is_valid()``."""
    found = []
    for ff in form_fields:
        if ff.field_type == FieldType.FILE and form.cleaned_data.get(ff.key):
            field = form.fields[ff.key]
            assert isinstance(field, DocumentFormField)
            found.append((ff, form.cleaned_data[ff.key], field.checked))
    return found


def correction_form_class(standard: ServiceStandard) -> type[CorrectionForm]:
    """What a returned application may correct: answers and documents (identity stays)."""
    form_fields = tuple(
        ff
        for ff in standard.form_fields.select_related("requirement").order_by("order")
        if ff.field_type not in _NOT_CORRECTABLE and ff.key not in IDENTITY_KEYS
    )
    attrs: dict[str, Any] = {"form_fields": form_fields, "standard": standard}
    for ff in form_fields:
        field = _field_for(ff)
        field.required = False
        if isinstance(field, forms.ChoiceField):
            field.choices = [("", "—"), *((c, c) for c in ff.choice_list)]
            field.widget = forms.Select(choices=field.choices)
        attrs[ff.key] = field
    return type("BuiltCorrectionForm", (CorrectionForm,), attrs)


# Personal data stays as given at submission; an officer can ask for it again in a note.
_NOT_CORRECTABLE = (FieldType.NIK, FieldType.ADDRESS, FieldType.PHONE, FieldType.EMAIL)
