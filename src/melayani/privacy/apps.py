from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "melayani.privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from melayani.privacy.inventory import autodiscover

        autodiscover()
