"""Evaluation pages; included by the project under ``evaluasi/``. Officials only: every page
needs sign-in, and a cycle outside the user's reach answers 404."""

from django.urls import path

from melayani.evaluation import views

app_name = "evaluation"

_CYCLE = "s/<str:ref>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("instrumen/", views.instruments, name="instruments"),
    path("instrumen/<int:pk>/", views.instrument_detail, name="instrument"),
    path("instrumen/<int:pk>/lke.xlsx", views.instrument_xlsx, name="instrument-xlsx"),
    path("buka/<str:pemda_code>/", views.cycle_open, name="open"),
    path("bukti/<int:pk>/", views.evidence_file, name="evidence-file"),
    path(_CYCLE, views.cycle_detail, name="cycle"),
    path(_CYCLE + "tahap/", views.cycle_advance, name="advance"),
    path(_CYCLE + "jadwal/", views.cycle_windows, name="windows"),
    path(_CYCLE + "penugasan/", views.assignments, name="assignments"),
    path(_CYCLE + "lke/", views.worksheet, name="worksheet"),
    path(_CYCLE + "lke.xlsx", views.worksheet_xlsx, name="worksheet-xlsx"),
    path(_CYCLE + "jawaban/<int:pk>/", views.answer, name="answer"),
    path(_CYCLE + "jawaban/<int:pk>/bukti/", views.evidence_add, name="evidence-add"),
    path(_CYCLE + "jawaban/<int:pk>/verifikasi/", views.verify, name="verify"),
    path(_CYCLE + "verifikasi/", views.verification, name="verification"),
    path(_CYCLE + "rencana-aksi/", views.actions, name="actions"),
    path(_CYCLE + "rencana-aksi/<int:pk>/", views.action_progress, name="action-progress"),
    path(_CYCLE + "laporan/", views.report, name="report"),
    path(_CYCLE + "laporan.xlsx", views.report_xlsx, name="report-xlsx"),
]
