"""Request-wide rules: one-time codes for the roles that need them, and the default language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse


def two_factor_exempt(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view reachable before the one-time code is given (sign-in, code entry, sign-out)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


def user_is_fully_signed_in(request: HttpRequest) -> bool:
    """Signed in, and past the one-time code where the user's roles need one.

    Public pages (``@login_not_required``) are not guarded by :class:`TwoFactorRequiredMiddleware`;
    a public page that shows more to officials must ask this before showing it.
    """
    from melayani.core.selectors import user_requires_two_factor

    user = request.user
    if not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", lambda: False)()
    return bool(verified or not user_requires_two_factor(user))


def two_factor_url(next_url: str) -> str:
    return f"{reverse('core:two-factor')}?{urlencode({'next': next_url})}"


class TwoFactorRequiredMiddleware:
    """Send signed-in users whose roles need a one-time code to the code page until verified."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or getattr(view_func, "two_factor_exempt", False):
            return None
        if getattr(view_func, "login_required", True) is False:
            return None  # public pages stay public (see user_is_fully_signed_in)
        if user_is_fully_signed_in(request):
            return None
        return HttpResponseRedirect(two_factor_url(request.get_full_path()))


class DefaultLanguageMiddleware:
    """Bahasa Indonesia unless the visitor chose otherwise with the language switcher.

    Browsers in Indonesia often announce English (the phone's interface language) while their
    owners read Indonesian best; the platform's default is therefore Indonesian, and only an
    explicit choice (the language cookie set by ``set_language``) changes it. Placed just before
    ``django.middleware.locale.LocaleMiddleware``, it hides the ``Accept-Language`` header from it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
