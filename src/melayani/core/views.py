"""The web shell: public pages, sign-in with one-time codes, the signed-in home, health check.

Views only read through selectors and render; who may see what is decided by the access layer
(:mod:`melayani.core.access`) inside the selectors.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

import melayani
from melayani.core import access
from melayani.core.forms import OneTimeCodeForm, PemdaFilterForm, PemdaSettingsForm, SignInForm
from melayani.core.middleware import two_factor_exempt, two_factor_url, user_is_fully_signed_in
from melayani.core.models import OPD, Pemda, PemdaKind, RoleAssignment, User
from melayani.core.selectors import (
    opd_tree,
    pemda_get_by_code,
    pemda_list,
    people_list,
    user_current_assignments,
    user_home_pemda,
    user_is_platform_admin,
    user_requires_two_factor,
)
from melayani.core.services import (
    CodeCheck,
    pemda_update_settings,
    two_factor_device_confirm,
    two_factor_device_pending,
    two_factor_verify,
    user_set_language,
)

PEMDA_PAGE_SIZE = 50
PEOPLE_PAGE_SIZE = 50
TOO_MANY_CODES = gettext_lazy("Too many wrong codes. Wait a minute, then type the newest code.")


# --- Public pages ---------------------------------------------------------------------------


@login_not_required
@require_GET
def public_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/public_home.html")


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: is this process able to reach its database?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "error"
    status = "ok" if database == "ok" else "error"
    return JsonResponse(
        {"status": status, "database": database, "version": melayani.__version__},
        status=200 if status == "ok" else 503,
    )


@login_not_required
@two_factor_exempt
def language_set(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (POST, sets the language cookie), open to everyone; a signed-in
    user's choice is also remembered on their account for the next sign-in."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    return response


@login_not_required
@require_GET
def pemda_index(request: HttpRequest) -> HttpResponse:
    provinces = list(pemda_list(kind=PemdaKind.PROVINCE))
    form = PemdaFilterForm(request.GET or None, provinces=provinces)
    province_code = form.cleaned_data["province"] if form.is_valid() else ""
    paginator = Paginator(pemda_list(province_code=province_code or None), PEMDA_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "core/pemda_list.html",
        {"form": form, "page": page, "pemdas": list(page.object_list)},
    )


@dataclass
class OPDNode:
    opd: OPD
    children: list[OPDNode] = field(default_factory=list)


def _opd_forest(units: list[OPD]) -> list[OPDNode]:
    """Nest units (already in tree order) under their visible parents."""
    nodes = {unit.pk: OPDNode(unit) for unit in units}
    roots: list[OPDNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(nodes[unit.pk])
    return roots


@login_not_required
@require_GET
def pemda_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        pemda = pemda_get_by_code(code)
    except Pemda.DoesNotExist:
        raise Http404 from None
    context: dict[str, Any] = {"pemda": pemda, "regencies": [], "opd_forest": [], "people": None}
    if pemda.kind == PemdaKind.PROVINCE:
        context["regencies"] = list(pemda_list(province_code=pemda.code))
    if user_is_fully_signed_in(request):
        context["opd_forest"] = _opd_forest(opd_tree(user=request.user, pemda=pemda))
        people: Page[RoleAssignment] = Paginator(
            people_list(user=request.user, pemda=pemda), PEOPLE_PAGE_SIZE
        ).get_page(request.GET.get("page"))
        if people.paginator.count:
            context["people"] = people
            context["people_rows"] = list(people.object_list)
    context["can_manage_settings"] = user_is_fully_signed_in(request) and access.can(
        request.user, "pemda.manage_settings", pemda=pemda
    )
    return render(request, "core/pemda_detail.html", context)


@require_http_methods(["GET", "POST"])
def pemda_settings(request: HttpRequest, code: str) -> HttpResponse:
    """A Pemda's own policy, for those who manage its settings."""
    pemda = access.access_object(
        request.user, Pemda.objects.all(), "pemda.manage_settings", code=code
    )
    form = PemdaSettingsForm(
        request.POST or None,
        initial={"two_factor_for_all_officials": pemda.two_factor_for_all_officials},
    )
    if request.method == "POST" and form.is_valid():
        pemda_update_settings(
            actor=cast(User, request.user),
            pemda=pemda,
            two_factor_for_all_officials=form.cleaned_data["two_factor_for_all_officials"],
        )
        messages.success(request, _("The settings are saved."))
        return HttpResponseRedirect(reverse("core:pemda-settings", args=[pemda.code]))
    return render(request, "core/pemda_settings.html", {"pemda": pemda, "form": form})


# --- Signing in -----------------------------------------------------------------------------


def _safe_next(request: HttpRequest, default: str = "") -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("core:home")


class SignInView(LoginView):
    template_name = "core/sign_in.html"
    form_class = SignInForm

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A language chosen on the account wins over the cookie of whoever used this device before.
        language = cast(User, self.request.user).preferred_language
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def get_success_url(self) -> str:
        url = super().get_success_url()
        if user_requires_two_factor(self.request.user):
            return two_factor_url(url)
        return url


sign_in = never_cache(SignInView.as_view())
sign_out = two_factor_exempt(LogoutView.as_view())


def _confirmed_devices(user: Any) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.devices_for_user(user, confirmed=True))


@two_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the code from the user's authenticator app."""
    next_url = _safe_next(request)
    if getattr(request.user, "is_verified", lambda: False)():
        return HttpResponseRedirect(next_url)
    devices = _confirmed_devices(request.user)
    if not devices:
        return HttpResponseRedirect(
            f"{reverse('core:two-factor-setup')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
        )
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome, device = two_factor_verify(
            user=cast(User, request.user), token=form.cleaned_data["token"]
        )
        if outcome == CodeCheck.ACCEPTED:
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        form.add_error(
            "token",
            TOO_MANY_CODES
            if outcome == CodeCheck.THROTTLED
            else _("That code is not right. Type the newest code your app shows."),
        )
    return render(request, "core/two_factor.html", {"form": form, "next": next_url})


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@two_factor_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """First use: add Melayani to an authenticator app and confirm it with its first code."""
    next_url = _safe_next(request)
    if _confirmed_devices(request.user):
        return HttpResponseRedirect(two_factor_url(next_url))
    device = two_factor_device_pending(user=cast(User, request.user))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = two_factor_device_confirm(
            user=cast(User, request.user), device=device, token=form.cleaned_data["token"]
        )
        if outcome == CodeCheck.ACCEPTED:
            otp_login(request, device)
            return HttpResponseRedirect(next_url)
        if outcome == CodeCheck.THROTTLED:
            form.add_error("token", TOO_MANY_CODES)
        else:
            form.add_error(
                "token",
                _("That code is not right. Check that the app shows Melayani, then type its code."),
            )
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "core/two_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "config_url": device.config_url,
            "secret": _grouped(secret),
        },
    )


@login_not_required
@never_cache
def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's own sign-in is replaced by ours, so that one-time codes always apply."""
    next_url = _safe_next(request, reverse("admin:index"))
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, reverse("core:login"))
    if user_is_platform_admin(request.user) and not user_is_fully_signed_in(request):
        return HttpResponseRedirect(two_factor_url(next_url))
    raise PermissionDenied


# --- Signed-in home -------------------------------------------------------------------------

ROLE_SUMMARIES = {
    "opd_officer": gettext_lazy("You handle applications and complaints for your unit."),
    "opd_head": gettext_lazy("You lead a unit: its applications, complaints and officials."),
    "pemda_admin": gettext_lazy("You keep the Pemda's units, officials and calendar up to date."),
    "reform_team": gettext_lazy("You run the bureaucratic-reform evaluation for the Pemda."),
    "inspectorate": gettext_lazy(
        "You verify reform self-assessments and watch the audit trail (APIP)."
    ),
    "complaint_coordinator": gettext_lazy("You classify complaints and route them to units."),
    "complaint_liaison": gettext_lazy("You answer complaints routed to your unit."),
    "dpo": gettext_lazy("You look after personal data and its use."),
    "regional_leader": gettext_lazy("You follow how the Pemda serves its citizens."),
    "national_analyst": gettext_lazy("You read national figures across Pemda (read only)."),
    "platform_admin": gettext_lazy("You run the Melayani platform."),
}


@dataclass(frozen=True)
class HomeLink:
    label: str
    url: str
    description: str = ""


def _home_links(user: Any) -> list[HomeLink]:
    links: list[HomeLink] = []
    pemda = user_home_pemda(user)
    if pemda is not None:
        links.append(
            HomeLink(
                pemda.name,
                reverse("core:pemda-detail", args=[pemda.code]),
                _("Your Pemda: its units and officials."),
            )
        )
    if pemda is not None:
        links.append(
            HomeLink(
                _("Working calendar"),
                reverse("workcalendar:pemda-calendar", args=[pemda.code]),
                _("Office hours, holidays, cuti bersama and local days off."),
            )
        )
        links.append(
            HomeLink(
                _("Deadline calculator"),
                reverse("workcalendar:deadline"),
                _("When a limit in working days falls due."),
            )
        )
    if access.can(user, "audit.view_events"):
        links.append(
            HomeLink(
                _("Audit trail"),
                reverse("audit:event-list"),
                _("Who did what, and when, in the Pemda you oversee."),
            )
        )
    if user_is_platform_admin(user):
        links.append(
            HomeLink(
                _("Platform administration"),
                reverse("admin:index"),
                _("Accounts, roles and settings of the platform."),
            )
        )
    links.append(
        HomeLink(_("All Pemda"), reverse("core:pemda-list"), _("Every regional government."))
    )
    return links


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    assignments = user_current_assignments(request.user)
    roles = []
    for assignment in assignments:
        summary = (
            ROLE_SUMMARIES.get(assignment.role.code) if assignment.role.pemda_id is None else None
        )
        roles.append({"assignment": assignment, "summary": summary})
    return render(
        request,
        "core/home.html",
        {"roles": roles, "links": _home_links(request.user)},
    )
