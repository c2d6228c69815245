"""Signals other apps listen to, so the territory never imports them."""
from django.dispatch import Signal

# Sent inside the transaction that moved a subtree: ``changed`` is [(unit_id, new_code, level), ...].
unit_codes_changed = Signal()
