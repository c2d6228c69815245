"""Pages: votes."""
urlpatterns = []
