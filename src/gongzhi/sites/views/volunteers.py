"""Pages for volunteers."""
urlpatterns = []
