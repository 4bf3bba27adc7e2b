"""Personal-data protection pages; included by the project under ``data-pribadi/``.

Public: ``<pemda_code>/`` (privacy notice), ``<pemda_code>/permintaan/`` (a request),
``<pemda_code>/permintaan/status/``, ``<pemda_code>/persetujuan/`` (consent). Officials:
everything under ``kelola/`` (see :mod:`melayani.privacy.views`).
"""

from django.urls import path

from melayani.privacy import views

app_name = "privacy"

_PEMDA = "kelola/<str:pemda_code>/"

urlpatterns = [
    # Officials.
    path("kelola/", views.manage_index, name="manage"),
    path(_PEMDA, views.dashboard, name="dashboard"),
    path(_PEMDA + "register/", views.register, name="register"),
    path(_PEMDA + "register.xlsx", views.register_xlsx, name="register-xlsx"),
    path(_PEMDA + "register.json", views.register_download_json, name="register-json"),
    path(_PEMDA + "akses/", views.access_log, name="access-log"),
    path(_PEMDA + "akses.xlsx", views.access_log_xlsx, name="access-log-xlsx"),
    path(_PEMDA + "permintaan/<str:reference>/", views.request_detail, name="request"),
    path(
        _PEMDA + "permintaan/<str:reference>/ekspor.json",
        views.request_export,
        name="request-export",
    ),
    path(_PEMDA + "insiden/baru/", views.breach_new, name="breach-new"),
    path(_PEMDA + "insiden/<str:reference>/", views.breach_detail, name="breach"),
    path(_PEMDA + "retensi/", views.retention, name="retention"),
    # Citizens.
    path("<str:pemda_code>/permintaan/", views.request_new, name="request-new"),
    path("<str:pemda_code>/permintaan/status/", views.request_status, name="request-status"),
    path("<str:pemda_code>/persetujuan/", views.consent, name="consent"),
    path("<str:pemda_code>/", views.notice, name="notice"),
]
