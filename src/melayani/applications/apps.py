from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "melayani.applications"
    verbose_name = _("Applications")

    def ready(self) -> None:
        from melayani.applications.selectors import COMPLETED_ON_TIME_METRIC
        from melayani.core import metrics

        metrics.register(COMPLETED_ON_TIME_METRIC)
