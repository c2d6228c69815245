from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    path("units/<str:code>/", views.unit_detail, name="unit"),
    path("units/<str:code>/map.json", views.unit_map, name="unit-map"),
    path("residents/", views.resident_list, name="residents"),
    path("residents/<int:pk>/", views.resident_detail, name="resident"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident-reveal"),
    path("locate.json", views.locate_point, name="locate"),
]
