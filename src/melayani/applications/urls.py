"""Citizen pages of applications: apply, receipt, tracking, correction, my applications.

Mounted by the project at the root: ``path("", include("melayani.applications.urls"))``.
"""

from django.urls import path

from melayani.applications import views

app_name = "applications"

urlpatterns = [
    path("layanan/<str:pemda_code>/<slug:service_code>/ajukan/", views.apply, name="apply"),
    path("permohonan/<str:code>/tanda-terima/", views.receipt, name="receipt"),
    path("permohonan/<str:code>/", views.status, name="status"),
    path("permohonan/<str:code>/perbaiki/", views.correct, name="correct"),
    path("lacak/", views.track, name="track"),
    path("permohonan-saya/", views.mine, name="mine"),
]
