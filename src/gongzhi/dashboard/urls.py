from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("figures/", views.figures_page, name="figures"),
    path("figures.json", views.figures_json, name="figures-json"),
]
