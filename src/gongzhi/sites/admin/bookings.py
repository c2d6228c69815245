"""Back office: bookings are run from their pages (sites:booking_queue), not here."""
