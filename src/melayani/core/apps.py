from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_builtin_roles(**kwargs: Any) -> None:
    from melayani.core.services import roles_sync_builtin

    roles_sync_builtin()


class CoreConfig(AppConfig):
    name = "melayani.core"
    verbose_name = _("Tenancy and people")

    def ready(self) -> None:
        # Subscribers of domain events are listed in one visible place.
        from melayani import subscriptions  # noqa: F401

        # Built-in roles are reference data: present after every migrate, in every database.
        post_migrate.connect(_sync_builtin_roles, sender=self, dispatch_uid="core_builtin_roles")
