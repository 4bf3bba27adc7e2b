from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "melayani.surveys"
    verbose_name = _("Satisfaction surveys (SKM)")

    def ready(self) -> None:
        from melayani.core import metrics
        from melayani.surveys.followup_selectors import (
            FOLLOWUP_COVERAGE_METRIC,
            FOLLOWUP_ON_TIME_METRIC,
        )
        from melayani.surveys.selectors import IKM_METRIC

        metrics.register(IKM_METRIC)
        metrics.register(FOLLOWUP_ON_TIME_METRIC)
        metrics.register(FOLLOWUP_COVERAGE_METRIC)
