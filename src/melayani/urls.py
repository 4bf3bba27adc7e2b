"""The project's URLs: the web shell and each app's pages."""

from django.contrib import admin
from django.urls import include, path

from melayani.api.api import api_urls
from melayani.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # The busiest machine-facing URLs first: resolution walks this list in order.
    path("api/v1/", api_urls()),
    path("open311/v2/", include("melayani.api.open311_urls")),
    path("i18n/setlang/", core_views.language_set, name="set_language"),
    # Signing in to the admin goes through our sign-in, so one-time codes always apply.
    path("admin/login/", core_views.admin_sign_in),
    path("admin/", admin.site.urls),
    path("", include("melayani.core.urls")),
    path("regions/", include("melayani.regions.urls")),
    path("audit/", include("melayani.audit.urls")),
    path("calendar/", include("melayani.workcalendar.urls")),
    path("", include("melayani.applications.urls")),
    path("", include("melayani.complaints.urls")),
    path("layanan/", include("melayani.catalog.urls")),
    path("kerja/", include("melayani.applications.workbench_urls")),
    path("survei/", include("melayani.surveys.urls")),
    path("evaluasi/", include("melayani.evaluation.urls")),
    path("monitoring/", include("melayani.monitoring.urls")),
    path("data-pribadi/", include("melayani.privacy.urls")),
]
