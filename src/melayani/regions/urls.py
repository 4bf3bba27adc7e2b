from django.urls import path, register_converter

from melayani.regions import views


class RegionCodeConverter:
    """A dotted Kemendagri code: ``93``, ``93.01``, ``93.01.01`` or ``93.01.01.2001``."""

    regex = r"\d{2}(?:\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?)?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RegionCodeConverter, "region_code")

app_name = "regions"

urlpatterns = [
    path("children.json", views.children_json, name="provinces-json"),
    path("options/", views.children_options, name="provinces-options"),
    path("<region_code:code>/children.json", views.children_json, name="children-json"),
    path("<region_code:code>/options/", views.children_options, name="children-options"),
]
