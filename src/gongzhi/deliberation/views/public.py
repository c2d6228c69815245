"""Pages: public."""
urlpatterns = []
