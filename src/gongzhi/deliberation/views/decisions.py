"""Pages: decisions."""
urlpatterns = []
