from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "melayani.catalog"
    verbose_name = _("Service catalogue")

    def ready(self) -> None:
        from melayani.catalog.selectors import ONLINE_SHARE_METRIC, PUBLISHED_SHARE_METRIC
        from melayani.core import metrics

        metrics.register(PUBLISHED_SHARE_METRIC)
        metrics.register(ONLINE_SHARE_METRIC)
