"""Pages for sites."""
urlpatterns = []
