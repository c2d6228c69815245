"""Votes in the room: open, cast (also on behalf), close, and the tally."""
