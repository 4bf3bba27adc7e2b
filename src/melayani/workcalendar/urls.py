"""Calendar pages; included by the project under ``calendar/``."""

from django.urls import path

from melayani.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("deadline/", views.deadline, name="deadline"),
    path("<str:pemda_code>/", views.pemda_calendar, name="pemda-calendar"),
    path("<str:pemda_code>/days-off/add/", views.day_off_add, name="day-off-add"),
    path("<str:pemda_code>/days-off/remove/", views.day_off_remove, name="day-off-remove"),
    path("<str:pemda_code>/office-hours/", views.office_hours_set, name="office-hours-set"),
    path(
        "<str:pemda_code>/office-hours/reset/",
        views.office_hours_reset,
        name="office-hours-reset",
    ),
]
