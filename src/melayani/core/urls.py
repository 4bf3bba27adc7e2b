from django.urls import path

from melayani.core import views

app_name = "core"

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("login/code/", views.two_factor, name="two-factor"),
    path("login/code/setup/", views.two_factor_setup, name="two-factor-setup"),
    path("home/", views.home, name="home"),
    path("pemda/", views.pemda_index, name="pemda-list"),
    path("pemda/<str:code>/", views.pemda_detail, name="pemda-detail"),
    path("pemda/<str:code>/settings/", views.pemda_settings, name="pemda-settings"),
]
