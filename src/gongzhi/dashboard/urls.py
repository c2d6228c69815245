from django.urls import path

from . import cockpit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("figures/", views.figures_page, name="figures"),
    path("figures.json", views.figures_json, name="figures-json"),
    path("dashboard/cockpit/", cockpit_views.cockpit_root, name="cockpit"),
    path("dashboard/cockpit/<str:code>/", cockpit_views.cockpit_page, name="cockpit-unit"),
    path("dashboard/cockpit/<str:code>/screen/", cockpit_views.cockpit_screen, name="cockpit-screen"),
    path("dashboard/cockpit/<str:code>/data.json", cockpit_views.cockpit_json, name="cockpit-json"),
    path("dashboard/cockpit/<str:code>/map.json", cockpit_views.cockpit_map, name="cockpit-map"),
    path("dashboard/cockpit/<str:code>/report/", cockpit_views.monthly_report, name="cockpit-report"),
]
