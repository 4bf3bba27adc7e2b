"""Rate limits for the public endpoints, keyed by the client's address.

The address comes from ``REMOTE_ADDR``, or from ``X-Forwarded-For`` only as far as the number of
trusted proxies (``TRUSTED_PROXY_COUNT``) allows — a client cannot pick its own key.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle

from melayani.core.ratelimit import client_address


class AddressRateThrottle(AnonRateThrottle):
    def __init__(self, scope: str, rate: str) -> None:
        self.scope = scope
        super().__init__(rate)

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)


# Guessing a tracking code and its contact is the attack to slow down; people track rarely.
# Rates are settings (API_TRACK_RATE, API_SUBMIT_RATE): a kiosk behind one address may need more.
TRACK_LIMIT = AddressRateThrottle("api-track", settings.API_TRACK_RATE)
SUBMIT_LIMIT = AddressRateThrottle("api-submit", settings.API_SUBMIT_RATE)
