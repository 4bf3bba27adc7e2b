"""Django model permissions follow the platform role, so the admin needs no parallel grants."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend


class PlatformAdminBackend(BaseBackend):
    """Grants Django's model permissions (used by the admin) to current platform administrators.

    It authenticates no one: signing in stays with the model backend behind the throttle.
    """

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        from melayani.core.selectors import user_is_platform_admin

        return bool(user_obj.is_active and user_is_platform_admin(user_obj))

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return self.has_perm(user_obj, app_label)
