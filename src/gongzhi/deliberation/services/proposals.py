"""Proposals: residents' topics, supports, the threshold to the agenda, answers."""
