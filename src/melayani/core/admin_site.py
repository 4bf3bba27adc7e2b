"""The Django admin, for platform administrators only (and only after a one-time code)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class MelayaniAdminSite(admin.AdminSite):
    site_header = _("Melayani administration")
    site_title = _("Melayani")
    index_title = _("Platform administration")

    def has_permission(self, request: HttpRequest) -> bool:
        from melayani.core.selectors import user_is_platform_admin

        user = request.user
        if not (user.is_active and user.is_authenticated):
            return False
        verified = getattr(user, "is_verified", lambda: False)()
        return bool(verified and user_is_platform_admin(user))


class MelayaniAdminConfig(AdminConfig):
    default_site = "melayani.core.admin_site.MelayaniAdminSite"
