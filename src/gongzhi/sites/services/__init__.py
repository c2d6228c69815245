"""The rules of sites and services, one module per concern:

- ``people``: who a row is for (an account or a ledger resident) and who may act for whom;
- ``sites``: sites, opening hours, rooms, upgrades;
- ``bookings``: booking a room (one at a time per room, under the room's lock), approval,
  cancellation, check-in and the no-show release;
- ``activities``: activities, courses, sessions and their recurrence, sign-up with capacity and
  the waiting list, check-in at the door, iCalendar feeds;
- ``volunteers``: teams, volunteers, red partners, shifts, service records and hours;
- ``care``: the care registry (masked, every full view logged), home services and their
  matching, canteen and day-care check-ins;
- ``projects``: 微幸福 micro projects.

Views and the API call these; nothing else writes the app's rows. Every write is one
transaction and raises ``DomainError`` on a broken rule.
"""
