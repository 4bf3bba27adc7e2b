"""Test-only URLconf until the project's root URLconf includes the regions URLs."""

from django.urls import include, path

urlpatterns = [path("regions/", include("melayani.regions.urls"))]
