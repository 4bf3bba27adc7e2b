"""Monitoring pages; included by the project under ``monitoring/`` (``aggregates.view``)."""

from django.urls import path

from melayani.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.national, name="national"),
    path("rb.xlsx", views.national_xlsx, name="national-xlsx"),
]
