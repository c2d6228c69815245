"""Pages for projects."""
urlpatterns = []
