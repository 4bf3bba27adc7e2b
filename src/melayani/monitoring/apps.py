from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "melayani.monitoring"
    verbose_name = _("Reform monitoring (national and provincial)")
