"""The project's URLs plus the API's (and the serving apps' pages the API's services link to),
until the project's root URLconf mounts them itself."""

from django.urls import URLResolver, include, path

from melayani.api.api import api_urls
from melayani.urls import urlpatterns as project_urlpatterns

_mounted = {p.namespace for p in project_urlpatterns if isinstance(p, URLResolver)}
_pages = [
    (prefix, module, namespace)
    for prefix, module, namespace in (
        ("layanan/", "melayani.catalog.urls", "catalog"),
        ("", "melayani.applications.urls", "applications"),
        ("kerja/", "melayani.applications.workbench_urls", "workbench"),
    )
    if namespace not in _mounted
]

urlpatterns = [
    *([] if "api-v1" in _mounted else [path("api/v1/", api_urls())]),
    *([] if "open311" in _mounted else [path("open311/v2/", include("melayani.api.open311_urls"))]),
    *project_urlpatterns,
    *[path(prefix, include(module)) for prefix, module, _ns in _pages],
]
