"""Pages for activities."""
urlpatterns = []
