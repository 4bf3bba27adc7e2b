"""Writes of the SKM: invitations, responses from every channel, imports, policy, recompute.

Errors: ``PermissionError`` when the actor may not make the change (as in the other apps; the
views answer 403); :class:`SurveyError` (a ``ValidationError`` with a stable ``code``) for bad
input.

Every function that stores answers adds them to their aggregate in the same transaction
(:func:`melayani.surveys.aggregates.aggregates_add`) and records an audit event. An invitation is
created from the ids in the ``applications.completed`` event, and callers pass the
``ServiceType`` they fetched; the one call into the applications app is
:func:`~melayani.applications.services.applicant_tell`, which sends the invitation's link to the
applicant without this app ever reading their contact details.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from melayani.applications.services import applicant_tell
from melayani.audit.services import audit_record
from melayani.core import access
from melayani.core.events import DomainEvent
from melayani.core.models import OPD, Pemda
from melayani.surveys import aggregates
from melayani.surveys.computation import WeightsError, weights_custom
from melayani.surveys.instrument import CODES, WeightMode
from melayani.surveys.models import (
    ANSWER_FIELDS,
    PROFILE_CHOICES,
    Channel,
    PopulationSource,
    Questionnaire,
    SkmSettings,
    SurveyExtraAnswer,
    SurveyImport,
    SurveyInvitation,
    SurveyPopulation,
    SurveyResponse,
    UnitSurveyDesign,
    UnitSurveyItem,
)
from melayani.surveys.periods import Period, quarter_start
from melayani.surveys.reader import FileRefused, RowError, read_responses

if TYPE_CHECKING:
    from melayani.catalog.models import ServiceType
    from melayani.core.models import User

ENTER = "surveys.enter"  # enter paper forms, import files (unit officers)
MANAGE = "surveys.manage"  # a unit's design and population (OPD head, Pemda admin)
SUGGESTION_MAX = 2000
TOKEN_BYTES = 16  # 128 bits: unguessable


class SurveyError(ValidationError):
    """A refused survey write, with a stable ``code`` the UI and API translate."""


# --- helpers -----------------------------------------------------------------------------------


def _local_quarter(time_zone: str, moment: dt.datetime) -> dt.date:
    return quarter_start(moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date())


def _require(actor: User | None, action: str, opd: OPD) -> None:
    if actor is None or not access.can(actor, action, opd=opd):
        raise PermissionError(f"{action} refused")


def _design_codes(opd_id: int) -> list[str]:
    return list(
        UnitSurveyItem.objects.filter(design__opd_id=opd_id)
        .order_by("order")
        .values_list("code", flat=True)
    )


def _answers(
    answers: Mapping[str, int | None], extra_codes: Sequence[str]
) -> tuple[dict[str, int | None], dict[str, int]]:
    """Standard answers as {"u1": …} and extra ones as {"U10": …}; refuse anything else."""
    known = {*CODES, *extra_codes}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise SurveyError(
            ngettext("Unknown question: %(codes)s.", "Unknown questions: %(codes)s.", len(unknown))
            % {"codes": ", ".join(unknown)},
            code="unknown_question",
        )
    for code, score in answers.items():
        if score is not None and (
            isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 4
        ):
            raise SurveyError(
                _("%(code)s: answers are 1 to 4 (or left unanswered).") % {"code": code},
                code="answer_out_of_range",
            )
    if all(v is None for v in answers.values()):
        raise SurveyError(_("Answer at least one question."), code="no_answers")
    standard = {code.lower(): answers.get(code) for code in CODES}
    extra = {code: s for code, s in answers.items() if code not in CODES and s is not None}
    return standard, extra


def _profile(profile: Mapping[str, str] | None) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for name, value in (profile or {}).items():
        choices = PROFILE_CHOICES.get(name)
        if choices is None:
            raise SurveyError(
                _("Unknown respondent detail “%(name)s”.") % {"name": name}, code="unknown_profile"
            )
        value = (value or "").strip().lower()
        if value and value not in choices.values:
            raise SurveyError(
                _("“%(value)s” is not a valid %(name)s.") % {"value": value, "name": name},
                code="invalid_profile",
            )
        cleaned[name] = value
    return cleaned


@dataclass(frozen=True)
class _Unit:
    pemda_id: int
    opd_id: int
    service_id: int
    time_zone: str


def _unit_of(service: ServiceType) -> _Unit:
    tz = Pemda.objects.values_list("time_zone", flat=True).get(pk=service.pemda_id)
    return _Unit(service.pemda_id, service.opd_id, service.pk, tz)


def _store(
    unit: _Unit,
    *,
    channel: str,
    answers: Mapping[str, int | None],
    profile: Mapping[str, str] | None,
    suggestion: str,
    submitted_at: dt.datetime | None = None,
    application_id: int | None = None,
    entered_by: User | None = None,
) -> SurveyResponse:
    standard, extra = _answers(answers, _design_codes(unit.opd_id))
    moment = submitted_at or timezone.now()
    response = SurveyResponse.objects.create(
        pemda_id=unit.pemda_id,
        opd_id=unit.opd_id,
        service_id=unit.service_id,
        application_id=application_id,
        channel=channel,
        submitted_at=moment,
        quarter_start=_local_quarter(unit.time_zone, moment),
        entered_by=entered_by,
        suggestion=(suggestion or "").strip()[:SUGGESTION_MAX],
        **_profile(profile),
        **standard,
    )
    SurveyExtraAnswer.objects.bulk_create(
        SurveyExtraAnswer(response=response, code=code, score=score)
        for code, score in extra.items()
    )
    aggregates.aggregates_add([_contribution(response, extra)])
    return response


def _contribution(response: SurveyResponse, extra: Mapping[str, int]) -> aggregates.Contribution:
    return aggregates.Contribution(
        pemda_id=response.pemda_id,
        opd_id=response.opd_id,
        service_id=response.service_id,
        quarter_start=response.quarter_start,
        answers={f: getattr(response, f) for f in ANSWER_FIELDS},
        extra=extra,
    )


def _audit_response(response: SurveyResponse, actor: User | None, pemda: Pemda | None) -> None:
    audit_record(
        actor=actor,
        action="surveys.response_submitted",
        target=response,
        pemda=pemda or Pemda.objects.get(pk=response.pemda_id),
        context={"channel": response.channel, "service_id": response.service_id},
    )


# --- invitations ---------------------------------------------------------------------------------


def skm_settings_of(pemda_id: int) -> SkmSettings:
    """The Pemda's SKM policy (defaults when it never changed them; nothing is written)."""
    found = SkmSettings.objects.filter(pemda_id=pemda_id).first()
    return found or SkmSettings(pemda_id=pemda_id)


def invitation_create(
    *, application_id: int, service_id: int, pemda_id: int, opd_id: int
) -> SurveyInvitation:
    """The one invitation of a completed application (idempotent: a second call returns it)."""
    existing = SurveyInvitation.objects.filter(application_id=application_id).first()
    if existing is not None:
        return existing
    pemda = Pemda.objects.get(pk=pemda_id)
    now = timezone.now()
    days = skm_settings_of(pemda_id).invitation_valid_days
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                pemda_id=pemda_id,
                opd_id=opd_id,
                service_id=service_id,
                application_id=application_id,
                token=secrets.token_urlsafe(TOKEN_BYTES),
                created_at=now,
                quarter_start=_local_quarter(pemda.time_zone, now),
                expires_at=now + dt.timedelta(days=days),
            )
            audit_record(
                actor=None,
                action="surveys.invitation_created",
                target=invitation,
                pemda=pemda,
                context={"application_id": application_id},
            )
    except IntegrityError:  # a concurrent delivery of the same event won
        return SurveyInvitation.objects.get(application_id=application_id)
    return invitation


def invitation_on_application_completed(event: DomainEvent) -> None:
    """Subscriber of ``applications.completed`` (registered in ``melayani.subscriptions``).

    Creates the transaction's one invitation and sends its link to the applicant, once: a
    repeated event finds the invitation and sends nothing. The SKM is the unit's legal duty
    (PermenPANRB 14/2017) about the service just received, so the link travels like the other
    news of the application; contact for later, unrelated surveys is a separate consent.
    """
    p = event.payload
    already = SurveyInvitation.objects.filter(application_id=p["application_id"]).exists()
    invitation = invitation_create(
        application_id=p["application_id"],
        service_id=p["service_id"],
        pemda_id=p["pemda_id"],
        opd_id=p["opd_id"],
    )
    if already:
        return
    applicant_tell(
        application_id=p["application_id"],
        headline=_("How was our service? Please rate it."),
        detail=_("Your answer is anonymous and takes two minutes: %(url)s (valid until %(date)s)")
        % {"url": invitation_url(invitation), "date": date_format(invitation.expires_at.date())},
    )


def invitation_url(invitation: SurveyInvitation) -> str:
    """The invitation's absolute link (``SITE_URL`` + the survey page)."""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return base + reverse("surveys:invitation", kwargs={"token": invitation.token})


# --- responses -----------------------------------------------------------------------------------


def response_submit_with_token(
    *,
    token: str,
    answers: Mapping[str, int | None],
    profile: Mapping[str, str] | None = None,
    suggestion: str = "",
) -> SurveyResponse:
    """The citizen's answer through the invitation link: once per transaction."""
    token = (token or "").strip()
    with transaction.atomic():
        invitation = (
            SurveyInvitation.objects.select_for_update()
            .select_related("pemda", "service")
            .filter(token=token)
            .first()
            if token
            else None
        )
        if invitation is None:
            raise SurveyError(_("This survey link is not valid."), code="token_invalid")
        if invitation.used_at is not None:
            raise SurveyError(
                _("This survey link has already been used. Thank you for your answer."),
                code="token_used",
            )
        now = timezone.now()
        if now > invitation.expires_at:
            raise SurveyError(_("This survey link has expired."), code="token_expired")
        # The response belongs to the service's unit, as on every channel (the invitation
        # belongs to the unit that handled the application, possibly a desk below it).
        unit = _Unit(
            invitation.pemda_id,
            invitation.service.opd_id,
            invitation.service_id,
            invitation.pemda.time_zone,
        )
        response = _store(
            unit,
            channel=Channel.INVITATION,
            answers=answers,
            profile=profile,
            suggestion=suggestion,
            submitted_at=now,
            application_id=invitation.application_id,
        )
        invitation.used_at = now
        invitation.save(update_fields=["used_at"])
        _audit_response(response, None, invitation.pemda)
    return response


def response_submit_kiosk(
    *,
    service: ServiceType,
    answers: Mapping[str, int | None],
    profile: Mapping[str, str] | None = None,
    suggestion: str = "",
) -> SurveyResponse:
    """An anonymous answer at the service counter's kiosk, for the service just received."""
    if not service.is_active:
        raise SurveyError(_("This service is not active."), code="service_inactive")
    with transaction.atomic():
        response = _store(
            _unit_of(service),
            channel=Channel.KIOSK,
            answers=answers,
            profile=profile,
            suggestion=suggestion,
        )
        _audit_response(response, None, None)
    return response


def response_enter_paper(
    *,
    actor: User,
    service: ServiceType,
    answers: Mapping[str, int | None],
    profile: Mapping[str, str] | None = None,
    suggestion: str = "",
    filled_on: dt.date | None = None,
) -> SurveyResponse:
    """An officer types in a paper form; ``filled_on`` is the date written on it."""
    _require(actor, ENTER, service.opd)
    unit = _unit_of(service)
    moment = _moment(unit.time_zone, filled_on)
    with transaction.atomic():
        response = _store(
            unit,
            channel=Channel.PAPER,
            answers=answers,
            profile=profile,
            suggestion=suggestion,
            submitted_at=moment,
            entered_by=actor,
        )
        _audit_response(response, actor, None)
    return response


def _moment(time_zone: str, day: dt.date | None) -> dt.datetime:
    """Noon local time of ``day`` (a date without a time), or now."""
    if day is None:
        return timezone.now()
    if day > timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone)).date():
        raise SurveyError(_("The date of the form is in the future."), code="future_date")
    return dt.datetime.combine(day, dt.time(12), tzinfo=zoneinfo.ZoneInfo(time_zone))


# --- import --------------------------------------------------------------------------------------

IMPORT_COLUMNS = ("token", "filled_on", "suggestion", *PROFILE_CHOICES)


@dataclass
class ImportReport:
    filename: str
    rows_read: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    file_error: str = ""  # the whole file was refused (size, format, headers)
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.errors})


def _cell_date(text: str, time_zone: str) -> dt.date:
    text = text.strip()
    for candidate in (text, text[:10]):
        try:
            day = dt.date.fromisoformat(candidate)
        except ValueError:
            continue
        today = timezone.now().astimezone(zoneinfo.ZoneInfo(time_zone)).date()
        if day > today:
            raise ValueError(_("the date is in the future"))
        return day
    try:
        day = dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise ValueError(_("use a date such as 2025-03-31 or 31/03/2025")) from None
    return _cell_date(day.isoformat(), time_zone)


def _score(text: str) -> int | None:
    if not text.strip():
        return None
    try:
        number = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError from None
    if number != number.to_integral_value() or not 1 <= number <= 4:
        raise ValueError
    return int(number)


def responses_import(
    *,
    actor: User,
    service: ServiceType,
    file: IO[bytes] | str,
    filename: str = "",
    filled_on: dt.date | None = None,
    import_valid_rows: bool = False,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import a CSV/XLSX of responses for ``service``, all or nothing, with a row-by-row report.

    Columns ``U1``…``U9`` (1–4 or blank) are required; the unit's extra unsur (``U10`` …) and
    ``token``, ``filled_on``, ``suggestion``, ``sex``, ``age_band``, ``education``,
    ``occupation`` are optional; other columns are ignored. A row whose ``token`` names an
    invitation answers that transaction (once). If any row has an error nothing is imported,
    unless ``import_valid_rows`` — then the valid rows are, and the report lists the others.
    """
    _require(actor, ENTER, service.opd)
    name = (filename or str(getattr(file, "name", "")) or "upload")[:200]
    report = ImportReport(filename=name)
    extra_codes = _design_codes(service.opd_id)
    try:
        parsed = read_responses(file, filename=name, max_bytes=max_bytes)
    except FileRefused as exc:
        report.file_error = str(exc)
        return report
    report.rows_read = parsed.row_count
    report.errors = list(parsed.errors)
    unit = _unit_of(service)
    default_moment = _moment(unit.time_zone, filled_on)
    tokens = [row.other.get("token", "") for row in parsed.rows]
    with transaction.atomic():
        invitations = {
            inv.token: inv
            for inv in SurveyInvitation.objects.select_for_update().filter(
                token__in=[t for t in tokens if t]
            )
        }
        seen_tokens: dict[str, int] = {}
        valid: list[tuple[SurveyResponse, dict[str, int], SurveyInvitation | None]] = []
        for row in parsed.rows:
            errors: list[RowError] = []
            extra: dict[str, int] = {}
            for code in extra_codes:
                try:
                    score = _score(row.other.get(code.lower(), ""))
                except ValueError:
                    errors.append(RowError(row.row, code, _("Answers are 1 to 4 (or blank).")))
                    continue
                if score is not None:
                    extra[code] = score
            profile: dict[str, str] = {}
            for name_ in PROFILE_CHOICES:
                try:
                    profile.update(_profile({name_: row.other.get(name_, "")}))
                except SurveyError as exc:
                    errors.append(RowError(row.row, name_, exc.messages[0]))
            moment = default_moment
            if row.other.get("filled_on"):
                try:
                    moment = _moment(
                        unit.time_zone, _cell_date(row.other["filled_on"], unit.time_zone)
                    )
                except (ValueError, SurveyError) as exc:
                    errors.append(RowError(row.row, "filled_on", str(exc)))
            invitation = None
            token = row.other.get("token", "")
            if token:
                invitation = invitations.get(token)
                if token in seen_tokens:
                    errors.append(
                        RowError(
                            row.row,
                            "token",
                            _("The same token is on row %(row)s.") % {"row": seen_tokens[token]},
                        )
                    )
                elif invitation is None or invitation.service_id != service.pk:
                    errors.append(RowError(row.row, "token", _("Unknown token for this service.")))
                elif invitation.used_at is not None:
                    errors.append(
                        RowError(row.row, "token", _("This token has already been used."))
                    )
                seen_tokens.setdefault(token, row.row)
            if errors:
                report.errors.extend(errors)
                continue
            response = SurveyResponse(
                pemda_id=unit.pemda_id,
                opd_id=unit.opd_id,
                service_id=unit.service_id,
                application_id=invitation.application_id if invitation else None,
                channel=Channel.INVITATION if invitation else Channel.IMPORT,
                submitted_at=moment,
                quarter_start=_local_quarter(unit.time_zone, moment),
                entered_by=actor,
                suggestion=row.other.get("suggestion", "")[:SUGGESTION_MAX],
                **profile,
                **{code.lower(): score for code, score in row.answers.items()},
            )
            valid.append((response, extra, invitation))
        report.errors.sort(key=lambda e: (e.row, e.column))
        if (report.errors and not import_valid_rows) or not valid:
            return report
        now = timezone.now()
        batch = SurveyImport.objects.create(
            pemda_id=unit.pemda_id,
            opd_id=unit.opd_id,
            service_id=unit.service_id,
            imported_by=actor,
            filename=name,
            sha256=_digest(file),
            created_at=now,
            rows_imported=len(valid),
            rows_rejected=report.rejected_rows,
        )
        for response, _extra, _inv in valid:
            response.source_import = batch
        created = SurveyResponse.objects.bulk_create([r for r, _e, _i in valid], batch_size=2000)
        SurveyExtraAnswer.objects.bulk_create(
            (
                SurveyExtraAnswer(response=r, code=code, score=score)
                for r, (_r, extra, _i) in zip(created, valid, strict=True)
                for code, score in extra.items()
            ),
            batch_size=2000,
        )
        used = [inv.pk for _r, _e, inv in valid if inv is not None]
        SurveyInvitation.objects.filter(pk__in=used).update(used_at=now)
        aggregates.aggregates_add(
            _contribution(r, extra) for r, (_r, extra, _i) in zip(created, valid, strict=True)
        )
        audit_record(
            actor=actor,
            action="surveys.responses_imported",
            target=batch,
            pemda=Pemda.objects.get(pk=unit.pemda_id),
            context={
                "service_id": unit.service_id,
                "rows_imported": len(valid),
                "rows_rejected": report.rejected_rows,
                "sha256": batch.sha256,
            },
        )
        report.imported = len(valid)
        report.import_id = batch.pk
    return report


def _digest(file: IO[bytes] | str) -> str:
    digest = hashlib.sha256()
    if isinstance(file, str):
        with open(file, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    file.seek(0)
    for chunk in iter(lambda: file.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


# --- policy --------------------------------------------------------------------------------------


def skm_settings_set(
    *,
    actor: User,
    pemda: Pemda,
    weight_mode: str,
    population_source: str = PopulationSource.TRANSACTIONS,
    invitation_valid_days: int = 30,
) -> SkmSettings:
    """A Pemda's weight mode (exact unless it must reproduce old reports) and population source."""
    if not access.can(actor, "pemda.manage_settings", pemda=pemda):
        raise PermissionError("pemda.manage_settings refused")
    if weight_mode not in WeightMode.CHOOSABLE:
        raise SurveyError(_("Unknown weight mode."), code="weight_mode_invalid")
    if population_source not in PopulationSource.values:
        raise SurveyError(_("Unknown population source."), code="population_source_invalid")
    if not 1 <= invitation_valid_days <= 365:
        raise SurveyError(_("An invitation is valid 1 to 365 days."), code="invitation_days")
    with transaction.atomic():
        settings, _created = SkmSettings.objects.select_for_update().get_or_create(pemda=pemda)
        before = {
            "weight_mode": settings.weight_mode,
            "population_source": settings.population_source,
            "invitation_valid_days": settings.invitation_valid_days,
        }
        settings.weight_mode = weight_mode
        settings.population_source = population_source
        settings.invitation_valid_days = invitation_valid_days
        settings.save()
        audit_record(
            actor=actor,
            action="surveys.settings_changed",
            target=settings,
            pemda=pemda,
            before=before,
            after={
                "weight_mode": weight_mode,
                "population_source": population_source,
                "invitation_valid_days": invitation_valid_days,
            },
        )
    return settings


@dataclass(frozen=True)
class ExtraUnsur:
    code: str  # U10, U11 …
    name_id: str
    labels_id: tuple[str, str, str, str]
    name_en: str = ""
    labels_en: tuple[str, ...] = ()


def unit_design_set(
    *,
    actor: User,
    opd: OPD,
    weights: Mapping[str, Decimal | str],
    extra: Sequence[ExtraUnsur] = (),
) -> UnitSurveyDesign:
    """A unit's extra unsur and its own weights (every unsur, summing exactly to 1)."""
    _require(actor, MANAGE, opd)
    codes = [*CODES, *(e.code for e in extra)]
    bad = [e.code for e in extra if not e.code.upper().startswith("U") or e.code in CODES]
    if bad or len(set(codes)) != len(codes):
        raise SurveyError(_("Extra unsur need new codes such as U10."), code="extra_code_invalid")
    if any(len(e.labels_id) != 4 or not e.name_id.strip() for e in extra):
        raise SurveyError(_("Each extra unsur needs a name and four answers."), code="extra_labels")
    if set(weights) != set(codes):
        raise SurveyError(_("Give a weight to every unsur."), code="weights_incomplete")
    try:
        decimals = {c: Decimal(str(w)) for c, w in weights.items()}
    except InvalidOperation as exc:
        raise SurveyError(_("Weights are decimal numbers."), code="weights_invalid") from exc
    try:
        weights_custom(decimals)
    except WeightsError as exc:
        if any(w <= 0 for w in decimals.values()):
            message = _("Every weight must be greater than 0.")
        else:
            message = _("The weights add up to %(total)s, not 1.") % {
                "total": f"{sum(decimals.values()):f}"
            }
        raise SurveyError(message, code="weights_invalid") from exc
    with transaction.atomic():
        questionnaire = Questionnaire.objects.get(is_default=True)
        design, _created = UnitSurveyDesign.objects.select_for_update().get_or_create(
            opd=opd, defaults={"pemda_id": opd.pemda_id, "questionnaire": questionnaire}
        )
        before = {"weights": design.weights, "extra": _design_codes(opd.pk)}
        design.weights = {c: str(Decimal(str(weights[c]))) for c in codes}
        design.save()
        design.items.all().delete()
        UnitSurveyItem.objects.bulk_create(
            UnitSurveyItem(
                design=design,
                code=e.code,
                order=i,
                name_id=e.name_id,
                name_en=e.name_en,
                labels_id=list(e.labels_id),
                labels_en=list(e.labels_en),
            )
            for i, e in enumerate(extra, start=len(CODES) + 1)
        )
        audit_record(
            actor=actor,
            action="surveys.design_changed",
            target=design,
            pemda=opd.pemda,
            before=before,
            after={"weights": design.weights, "extra": [e.code for e in extra]},
        )
    return design


def population_set(*, actor: User, opd: OPD, period: Period, population: int) -> SurveyPopulation:
    """The number of service users of a unit in a period (when the Pemda enters it)."""
    _require(actor, MANAGE, opd)
    if population < 0:
        raise SurveyError(_("The number cannot be negative."), code="population_negative")
    with transaction.atomic():
        row, _created = SurveyPopulation.objects.update_or_create(
            opd=opd,
            period=str(period),
            defaults={"pemda_id": opd.pemda_id, "population": population},
        )
        audit_record(
            actor=actor,
            action="surveys.population_set",
            target=row,
            pemda=opd.pemda,
            context={"period": str(period), "population": population},
        )
    return row


def aggregates_recompute(*, check_only: bool = False) -> aggregates.RecomputeReport:
    """Rebuild every aggregate from the answers, or (``check_only``) only compare them."""
    if check_only:
        return aggregates.aggregates_check()
    return aggregates.aggregates_rebuild()
