from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "melayani.complaints"
    verbose_name = _("Complaints (pengaduan)")

    def ready(self) -> None:
        from melayani.complaints.selectors import ON_TIME_METRIC, VOLUME_METRIC
        from melayani.core import metrics

        metrics.register(ON_TIME_METRIC)
        metrics.register(VOLUME_METRIC)
