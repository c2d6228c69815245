"""Deliberation in the back office: formats and cadences (reference data), councils."""
