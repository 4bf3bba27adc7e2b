"""Complaint pages, mounted by the project at the root.

Citizens: ``pengaduan/…`` (report, receipt, follow, answer, public reports). Officials:
``kerja/pengaduan/…`` (workbench, export, entry, one report and its actions).
"""

from django.urls import path

from melayani.complaints import views, work_views

app_name = "complaints"

urlpatterns = [
    path("pengaduan/lacak/", views.track, name="track"),
    path("pengaduan/<str:pemda_code>/lapor/", views.submit, name="submit"),
    path("pengaduan/<str:pemda_code>/publik/", views.public, name="public"),
    path("pengaduan/laporan/<str:code>/", views.status, name="status"),
    path("pengaduan/laporan/<str:code>/tanda-terima/", views.receipt, name="receipt"),
    path("pengaduan/laporan/<str:code>/tanggapi/", views.reply, name="reply"),
    path("kerja/pengaduan/", work_views.queue, name="queue"),
    path("kerja/pengaduan/excel/", work_views.export, name="export"),
    path("kerja/pengaduan/baru/", work_views.enter, name="enter"),
    path("kerja/pengaduan/<int:pk>/", work_views.detail, name="detail"),
    path("kerja/pengaduan/<int:pk>/tindakan/<slug:action>/", work_views.act, name="act"),
    path(
        "kerja/pengaduan/<int:pk>/lampiran/<int:attachment_pk>/",
        work_views.attachment,
        name="attachment",
    ),
]
