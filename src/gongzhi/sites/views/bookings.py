"""Pages for bookings."""
urlpatterns = []
