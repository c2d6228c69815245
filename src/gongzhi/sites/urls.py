from .views import activities, bookings, care, home, projects, sites, volunteers

app_name = "sites"
urlpatterns = [
    *home.urlpatterns,
    *sites.urlpatterns,
    *bookings.urlpatterns,
    *activities.urlpatterns,
    *volunteers.urlpatterns,
    *care.urlpatterns,
    *projects.urlpatterns,
]
