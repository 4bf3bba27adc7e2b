"""Reads of the service catalogue: the public catalogue, current standards and pledges, metrics.

Public reads show only active services of active Pemda with a published standard; drafts never
leave the official pages. Officials' reads go through :mod:`melayani.core.access`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from melayani.catalog.models import (
    FormField,
    PublicationStatus,
    ServicePledge,
    ServiceStandard,
    ServiceType,
)
from melayani.core import access, metrics
from melayani.core.models import OPD, Pemda

PUBLISHED = PublicationStatus.PUBLISHED
METRIC_PUBLISHED_SHARE = "catalog.published_standard_share"
METRIC_ONLINE_SHARE = "catalog.online_service_share"
MAX_QUERY_WORDS = 8


def _published_standards() -> Prefetch:
    return Prefetch(
        "standards",
        queryset=ServiceStandard.objects.filter(status=PUBLISHED),
        to_attr="published_standards",
    )


def catalog_search(
    *, pemda: Pemda, opd: OPD | None = None, query: str = ""
) -> QuerySet[ServiceType]:
    """Active services of ``pemda`` (and of ``opd`` and its sub-units) with a published standard.

    ``query`` matches every word against name, keywords, description and category, ignoring case.
    Each service carries ``published_standards`` (a one-item list) and its ``opd``.
    """
    services = ServiceType.objects.filter(
        pemda=pemda,
        is_active=True,
        opd__is_active=True,
        standards__status=PUBLISHED,
    )
    if opd is not None:
        services = services.filter(opd__path__startswith=opd.path)
    for word in query.split()[:MAX_QUERY_WORDS]:
        services = services.filter(
            Q(name__icontains=word)
            | Q(keywords__icontains=word)
            | Q(description__icontains=word)
            | Q(category__icontains=word)
        )
    return (
        services.select_related("opd", "pemda")
        .prefetch_related(_published_standards())
        .order_by("opd__name", "name")
    )


def catalog_units(*, pemda: Pemda) -> list[OPD]:
    """The active units of ``pemda`` that have at least one service in the public catalogue."""
    listed = ServiceType.objects.filter(
        opd=OuterRef("pk"), is_active=True, standards__status=PUBLISHED
    )
    return list(
        OPD.objects.filter(pemda=pemda, is_active=True).filter(Exists(listed)).order_by("name")
    )


def public_pemda(code: str) -> Pemda:
    """A Pemda by region code; raises ``Pemda.DoesNotExist``."""
    return Pemda.objects.get(code=code)


def public_unit(*, pemda: Pemda, slug: str) -> OPD:
    """An active unit of ``pemda`` by its short name; raises ``OPD.DoesNotExist``."""
    return OPD.objects.get(pemda=pemda, slug=slug, is_active=True)


def service_get_public(*, pemda_code: str, code: str) -> ServiceType:
    """A service as the public sees it; raises ``ServiceType.DoesNotExist`` unless it is listed.

    Listed means: the service and its unit are active and it has a published standard.
    """
    return (
        ServiceType.objects.select_related("pemda", "opd")
        .filter(
            pemda__code=pemda_code,
            code=code,
            is_active=True,
            opd__is_active=True,
            standards__status=PUBLISHED,
        )
        .get()
    )


def _with_rows(standards: QuerySet[ServiceStandard]) -> QuerySet[ServiceStandard]:
    return standards.select_related("pledge").prefetch_related(
        "requirements",
        "steps",
        Prefetch("form_fields", queryset=FormField.objects.select_related("requirement")),
    )


def standard_current(service: ServiceType) -> ServiceStandard | None:
    """The published standard of ``service`` with its requirements, steps and form fields."""
    return _with_rows(ServiceStandard.objects.filter(service=service, status=PUBLISHED)).first()


def standard_with_rows(standard_id: int) -> ServiceStandard:
    """One standard version (any status) with its rows; for officials' pages after access checks."""
    return _with_rows(ServiceStandard.objects.select_related("service__opd", "service__pemda")).get(
        pk=standard_id
    )


def pledge_current(opd: OPD) -> ServicePledge | None:
    """The published Maklumat Pelayanan of exactly ``opd``."""
    return ServicePledge.objects.filter(opd=opd, status=PUBLISHED).first()


def pledge_applicable(opd: OPD) -> ServicePledge | None:
    """The Maklumat that covers ``opd``: its own, else the nearest parent unit's."""
    ancestor_ids = [int(part) for part in opd.path.strip("/").split("/") if part.isdigit()]
    if opd.pk not in ancestor_ids:
        ancestor_ids.append(opd.pk)
    pledges = {
        p.opd_id: p for p in ServicePledge.objects.filter(opd_id__in=ancestor_ids, status=PUBLISHED)
    }
    for opd_id in reversed(ancestor_ids):
        if opd_id in pledges:
            return pledges[opd_id]
    return None


# ----------------------------------------------------------------------------- officials


def services_manageable(
    user: Any, *, pemda: Pemda, opd: OPD | None = None
) -> QuerySet[ServiceType]:
    """Services of ``pemda`` the user may manage, each with ``versions`` (newest first)."""
    services = access.scoped(
        user, ServiceType.objects.filter(pemda=pemda), "catalog.manage"
    ).select_related("opd")
    if opd is not None:
        services = services.filter(opd__path__startswith=opd.path)
    return services.prefetch_related(
        Prefetch(
            "standards", queryset=ServiceStandard.objects.order_by("-version"), to_attr="versions"
        )
    ).order_by("opd__name", "name")


def units_manageable(user: Any, *, pemda: Pemda) -> QuerySet[OPD]:
    """The active units of ``pemda`` whose catalogue the user may manage."""
    return access.scoped(
        user, OPD.objects.filter(pemda=pemda, is_active=True), "catalog.manage"
    ).order_by("path")


def pledges_of_unit(opd: OPD) -> list[ServicePledge]:
    return list(ServicePledge.objects.filter(opd=opd).order_by("-version"))


# ----------------------------------------------------------------------------- metrics


def published_standard_share(
    pemda_id: int, start: datetime.date, end: datetime.date
) -> metrics.MetricValue:
    """Share of a Pemda's active services that had a published standard by the end of the period."""
    end_moment = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    published_by_end = ServiceStandard.objects.filter(
        service=OuterRef("pk"),
        status__in=(PUBLISHED, PublicationStatus.SUPERSEDED),
        published_at__lte=end_moment,
    )
    counts = ServiceType.objects.filter(
        pemda_id=pemda_id, is_active=True, created_at__lte=end_moment
    ).aggregate(
        total=Count("pk"),
        published=Count("pk", filter=Q(Exists(published_by_end))),
    )
    total, published = counts["total"], counts["published"]
    value = (Decimal(published) * 100 / Decimal(total)).quantize(Decimal("0.01")) if total else None
    return metrics.MetricValue(
        name=METRIC_PUBLISHED_SHARE,
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=value,
        numerator=published,
        denominator=total,
        computed_at=timezone.now(),
        source="catalog.selectors.published_standard_share: active services; published by end",
    )


PUBLISHED_SHARE_METRIC = metrics.Metric(
    name=METRIC_PUBLISHED_SHARE,
    label=_("Share of services with a published service standard"),
    unit="percent",
    compute=published_standard_share,
)


def online_service_share(
    pemda_id: int, start: datetime.date, end: datetime.date
) -> metrics.MetricValue:
    """Share of a Pemda's active services a citizen can apply for online, at any hour.

    A service counts as online when it takes online applications and has a published standard
    now (a catalogue keeps no history of the ``accepts_online`` switch, so the figure is as of
    the moment it is computed; ``computed_at`` says when).
    """
    end_moment = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
    published = ServiceStandard.objects.filter(service=OuterRef("pk"), status=PUBLISHED)
    counts = ServiceType.objects.filter(
        pemda_id=pemda_id, is_active=True, created_at__lte=end_moment
    ).aggregate(
        total=Count("pk"),
        online=Count("pk", filter=Q(accepts_online=True) & Q(Exists(published))),
    )
    total, online = counts["total"], counts["online"]
    value = (Decimal(online) * 100 / Decimal(total)).quantize(Decimal("0.01")) if total else None
    return metrics.MetricValue(
        name=METRIC_ONLINE_SHARE,
        pemda_id=pemda_id,
        period_start=start,
        period_end=end,
        value=value,
        numerator=online,
        denominator=total,
        computed_at=timezone.now(),
        source="catalog.selectors.online_service_share: active services; online and published now",
    )


ONLINE_SHARE_METRIC = metrics.Metric(
    name=METRIC_ONLINE_SHARE,
    label=_("Share of services citizens can apply for online"),
    unit="percent",
    compute=online_service_share,
)
