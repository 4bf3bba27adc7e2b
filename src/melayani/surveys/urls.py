"""SKM pages; included by the project under ``survei/``.

Public (no sign-in): ``i/<token>/`` (the invitation), ``terima-kasih/``, ``kiosk/<pemda>/<unit>/``
and ``<pemda_code>/`` (the Pemda's results). Officials: everything under ``kelola/`` (paper entry
and import need ``services.handle`` or ``catalog.manage`` on the unit, the report
``aggregates.view``, the follow-up plans ``aggregates.view`` to read and ``surveys.manage`` to
plan; 404 otherwise).
"""

from django.urls import path

from melayani.surveys import views

app_name = "surveys"

_UNIT = "kelola/<str:pemda_code>/<slug:opd_slug>/"

urlpatterns = [
    # Citizens.
    path("i/<str:token>/", views.invitation, name="invitation"),
    path("terima-kasih/", views.thanks, name="thanks"),
    path("kiosk/<str:pemda_code>/<slug:opd_slug>/", views.kiosk, name="kiosk"),
    path(
        "kiosk/<str:pemda_code>/<slug:opd_slug>/terima-kasih/",
        views.kiosk_thanks,
        name="kiosk-thanks",
    ),
    # Officials.
    path("kelola/<str:pemda_code>/", views.manage_index, name="manage"),
    path("kelola/<str:pemda_code>/pengaturan/", views.pemda_settings, name="settings"),
    path(_UNIT + "kertas/", views.paper, name="paper"),
    path(_UNIT + "impor/", views.import_responses, name="import"),
    path(_UNIT + "laporan/", views.report, name="report"),
    path(_UNIT + "laporan.xlsx", views.report_xlsx, name="report-xlsx"),
    path(_UNIT + "populasi/", views.population, name="population"),
    path(_UNIT + "desain/", views.design, name="design"),
    path(_UNIT + "tindak-lanjut/", views.followups, name="followups"),
    path(_UNIT + "tindak-lanjut/<str:code>/", views.followup, name="followup"),
    # Public results of a Pemda (last: its code is any string).
    path("<str:pemda_code>/", views.pemda_results, name="pemda"),
]
