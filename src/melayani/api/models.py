"""Credentials for the machine faces: Open311 client keys and officials' API tokens.

Only a SHA-256 digest of each secret is stored (the secrets are 256-bit random strings, so a fast
digest is enough); the secret itself is shown once, when it is issued. ``prefix`` keeps the first
characters so that people can tell their keys apart in lists without the key being recoverable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """A client application allowed to create Open311 service requests for one Pemda."""

    tenant_field = "pemda"

    pemda = models.ForeignKey(
        "core.Pemda", on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("Pemda")
    )
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["pemda", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class OfficerToken(models.Model):
    """A bearer token with which one official uses the JSON API; it acts with their roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("official"),
    )
    name = models.CharField(_("name"), max_length=120)
    prefix = models.CharField(_("token prefix"), max_length=12, editable=False)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
