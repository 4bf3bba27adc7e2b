"""The project's URLs plus the calendar pages, until the project includes them itself."""

from django.urls import include, path

from melayani.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("calendar/", include("melayani.workcalendar.urls")),
]
