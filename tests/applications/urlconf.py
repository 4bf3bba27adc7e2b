"""The project's URLs plus the citizen application pages, until the project includes them."""

from django.urls import include, path

from melayani.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("", include("melayani.applications.urls")),
]
