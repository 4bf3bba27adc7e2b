"""The project's URLs plus the officer workbench (and the citizen pages the services link to),
until the project includes them itself."""

from django.urls import URLResolver, include, path

from melayani.urls import urlpatterns as project_urlpatterns

_namespaces = {p.namespace for p in project_urlpatterns if isinstance(p, URLResolver)}

urlpatterns = [*project_urlpatterns]
if "workbench" not in _namespaces:
    urlpatterns.append(path("kerja/", include("melayani.applications.workbench_urls")))
if "applications" not in _namespaces:
    urlpatterns.append(path("", include("melayani.applications.urls")))
