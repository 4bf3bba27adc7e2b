"""The project's URLs plus the catalogue (until the project includes it) and, if the applications
app does not provide it yet, a stand-in for ``applications:apply`` so the link can be tested."""

from django.http import HttpResponse
from django.urls import include, path

from melayani.urls import urlpatterns as project_urlpatterns


def _apply_stand_in(request, pemda_code, service_code):  # pragma: no cover - never requested
    return HttpResponse("apply")


urlpatterns = [*project_urlpatterns]
if not any(getattr(p, "namespace", None) == "catalog" for p in project_urlpatterns):
    urlpatterns.append(path("layanan/", include("melayani.catalog.urls")))
if not any(getattr(p, "namespace", None) == "applications" for p in project_urlpatterns):
    urlpatterns.append(
        path(
            "test-apply/",
            include(
                (
                    [path("<str:pemda_code>/<slug:service_code>/", _apply_stand_in, name="apply")],
                    "applications",
                )
            ),
        )
    )
