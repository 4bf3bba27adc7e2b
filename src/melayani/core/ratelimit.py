"""Rate limits for public pages that accept input (submissions, tracking look-ups, kiosks).

A fixed window per client address in the shared cache (Redis in production, so every app server
counts together). The client's address is ``REMOTE_ADDR``, or taken from ``X-Forwarded-For``
only as far as the number of trusted proxies allows, so a client cannot choose its own key. The
JSON API uses django-ninja's throttles with the same rates and the same address rule.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_RATE = re.compile(r"^\s*(\d+)\s*/\s*([smhd])\s*$")
_PERIOD = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/m"`` → (20, 60)."""
    match = _RATE.match(rate)
    if not match:
        raise ValueError(f"a rate is N/s, N/m, N/h or N/d, not {rate!r}")
    return int(match.group(1)), _PERIOD[match.group(2)]


def client_address(request: HttpRequest) -> str:
    proxies = int(getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(request: HttpRequest, *, scope: str, rate: str) -> bool:
    """Count this request against ``scope``; ``False`` once the window's limit is passed."""
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client_address(request)}:{window}"
    if cache.add(key, 1, timeout=period + 1):
        return limit >= 1
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=period + 1)
        return True


def rate_limited(
    scope: str, setting: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Refuse with 429 (a page saying when to try again) past the rate in ``settings.<setting>``."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            rate = getattr(settings, setting)
            if request.method in methods and not allow(request, scope=scope, rate=rate):
                _limit, period = parse_rate(rate)
                response = render(request, "429.html", {"retry_after": period}, status=429)
                response["Retry-After"] = str(period)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
