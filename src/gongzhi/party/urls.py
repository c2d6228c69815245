from django.urls import path

from . import views

app_name = "party"
urlpatterns = [
    path("branches/", views.branch_list, name="branches"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
]
