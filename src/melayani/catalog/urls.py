"""Catalogue pages; included by the project under ``layanan/``.

Public (no sign-in): ``<pemda_code>/``, ``<pemda_code>/unit/<opd_slug>/``,
``<pemda_code>/<service_code>/``. Officials: everything under ``kelola/``.
"""

from django.urls import path

from melayani.catalog import views

app_name = "catalog"

_STANDARD = "kelola/<str:pemda_code>/s/<slug:service_code>/v<int:version>/"

urlpatterns = [
    # Officials (sign-in required; 404 for anyone without catalog.manage on the object).
    path("kelola/<str:pemda_code>/", views.manage_index, name="manage"),
    path("kelola/<str:pemda_code>/baru/", views.service_create, name="service-create"),
    path(
        "kelola/<str:pemda_code>/s/<slug:service_code>/",
        views.manage_service,
        name="manage-service",
    ),
    path(
        "kelola/<str:pemda_code>/s/<slug:service_code>/draft/",
        views.standard_draft_create,
        name="standard-draft-create",
    ),
    path(_STANDARD, views.standard_detail, name="standard"),
    path(_STANDARD + "publish/", views.standard_publish, name="standard-publish"),
    path(_STANDARD + "new-version/", views.standard_new_version, name="standard-new-version"),
    path(_STANDARD + "<str:kind>/add/", views.row_add, name="row-add"),
    path(_STANDARD + "<str:kind>/<int:pk>/", views.row_change, name="row-change"),
    path(
        "kelola/<str:pemda_code>/unit/<slug:opd_slug>/maklumat/",
        views.pledge_manage,
        name="pledge-manage",
    ),
    path(
        "kelola/<str:pemda_code>/unit/<slug:opd_slug>/maklumat/publish/",
        views.pledge_publish,
        name="pledge-publish",
    ),
    # Public.
    path("<str:pemda_code>/", views.catalogue, name="pemda"),
    path("<str:pemda_code>/unit/<slug:opd_slug>/", views.catalogue_unit, name="unit"),
    path("<str:pemda_code>/<slug:service_code>/", views.service_detail, name="service"),
]
