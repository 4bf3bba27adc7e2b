"""The officer workbench, mounted by the project at ``kerja/``."""

from django.urls import path

from melayani.applications import workbench_views as views

app_name = "workbench"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("excel/", views.queue_export, name="export"),
    path("massal/", views.queue_bulk, name="bulk"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/catatan/", views.note_add, name="note"),
    path("<int:pk>/tindakan/<slug:action>/", views.act, name="act"),
    path("<int:pk>/dokumen/<int:doc_pk>/", views.document, name="document"),
]
