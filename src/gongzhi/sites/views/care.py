"""Pages for care."""
urlpatterns = []
