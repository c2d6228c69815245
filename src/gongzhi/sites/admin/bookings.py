"""Back office: bookings."""
