"""Pages: meetings."""
urlpatterns = []
